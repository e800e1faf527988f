/* transport.c - gSOAP's I/O callbacks over libcurl (HTTP, TLS, NTLM) */
#define _GNU_SOURCE	/* strcasestr */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * gSOAP serialises a request into tp->req through fsend, libcurl posts it
 * when gSOAP starts to receive (fprepareinitrecv), and gSOAP reads the
 * response body back through frecv. libcurl owns HTTP: NTLMv2, which
 * gSOAP lacks, keep-alive, chunked and gzip bodies.
 */

static umws_client *client_of(struct soap *soap)
{
	return soap->user;
}

static int grow(char **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 4096;
	char *p;

	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -1;
		n *= 2;
	}
	if (n == *cap)
		return 0;
	p = realloc(*buf, n);
	if (!p)
		return -1;
	*buf = p;
	*cap = n;
	return 0;
}

/* ---- libcurl callbacks --------------------------------------------- */

static size_t read_body(char *out, size_t size, size_t n, void *data)
{
	struct umws_transport *tp = data;
	size_t left = tp->req_len - tp->req_pos;
	size_t len = size * n < left ? size * n : left;

	memcpy(out, tp->req + tp->req_pos, len);
	tp->req_pos += len;
	if (tp->req_pos == tp->req_len) {
		tp->body_sent = 1;
		tp->answered = 0;
	}
	return len;
}

/*
 * libcurl rewinds the body for an authentication restart (the server
 * answered 401, so it did not act on the request) and also, on its own,
 * to resend a request whose reused connection died before any answer.
 * The server may have acted on that one: PlayOnPhone would ring twice.
 * Operations that must not be sent twice refuse that second rewind.
 */
static int seek_body(void *data, curl_off_t offset, int origin)
{
	struct umws_transport *tp = data;

	if (origin != SEEK_SET || offset < 0 ||
	    (size_t)offset > tp->req_len)
		return CURL_SEEKFUNC_CANTSEEK;
	if (tp->body_sent && !tp->answered && !tp->resend_ok)
		return CURL_SEEKFUNC_CANTSEEK;
	tp->req_pos = (size_t)offset;
	tp->body_sent = 0;
	return CURL_SEEKFUNC_OK;
}

static size_t write_body(char *in, size_t size, size_t n, void *data)
{
	struct umws_transport *tp = data;
	size_t len = size * n;

	if (len > tp->max_resp - tp->resp_len) {
		tp->too_big = 1;
		return 0;
	}
	if (grow(&tp->resp, &tp->resp_cap, tp->resp_len + len + 1))
		return 0;
	memcpy(tp->resp + tp->resp_len, in, len);
	tp->resp_len += len;
	return len;
}

/* Every response, a 401 of the NTLM handshake included, starts here:
 * the body of an auth restart belongs to the response before it. */
static size_t on_header(char *in, size_t size, size_t n, void *data)
{
	struct umws_transport *tp = data;
	size_t len = size * n;

	if (len > 5 && strncasecmp(in, "HTTP/", 5) == 0) {
		tp->answered = 1;
		tp->resp_len = 0;
		tp->too_big = 0;
	}
	return len;
}

static void log_header_line(umws_client *c, const char *dir,
			    const char *p, size_t len)
{
	size_t keep = len;

	while (keep && (p[keep - 1] == '\n' || p[keep - 1] == '\r'))
		keep--;
	if (!keep)
		return;
	/* A credential must never reach a log: keep only the scheme. */
	if ((keep > 14 && strncasecmp(p, "Authorization:", 14) == 0) ||
	    (keep > 20 && strncasecmp(p, "Proxy-Authorization:", 20) == 0)) {
		const char *sp = memchr(p, ' ', keep);
		const char *sp2 = sp ? memchr(sp + 1, ' ',
					      keep - (sp + 1 - p)) : NULL;
		size_t shown = sp2 ? (size_t)(sp2 - p) : keep;

		umws__log(c, UMWS_LOG_DEBUG, "%s %.*s [redacted]", dir,
			  (int)shown, p);
		return;
	}
	umws__log(c, UMWS_LOG_DEBUG, "%s %.*s", dir, (int)keep, p);
}

static void log_headers(umws_client *c, const char *dir, const char *p,
			size_t len)
{
	while (len) {
		const char *nl = memchr(p, '\n', len);
		size_t line = nl ? (size_t)(nl - p) + 1 : len;

		log_header_line(c, dir, p, line);
		p += line;
		len -= line;
	}
}

static int on_debug(CURL *h, curl_infotype type, char *p, size_t len,
		    void *data)
{
	umws_client *c = data;

	switch (type) {
	case CURLINFO_TEXT:
		umws__log(c, UMWS_LOG_DEBUG, "* %.*s",
			  (int)(len && p[len - 1] == '\n' ? len - 1 : len), p);
		break;
	case CURLINFO_HEADER_OUT:
		log_headers(c, ">", p, len);
		break;
	case CURLINFO_HEADER_IN:
		log_headers(c, "<", p, len);
		break;
	default:
		break;
	}
	return 0;
}

/* ---- setting up the handle ----------------------------------------- */

static int set_tls(umws_client *c, CURL *h)
{
	const umws_options *o = &c->opts;
	int bad = 0;

	bad |= curl_easy_setopt(h, CURLOPT_SSLVERSION,
				(long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER,
				o->insecure ? 0L : 1L) != CURLE_OK;
	bad |= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST,
				o->insecure ? 0L : 2L) != CURLE_OK;
	if (o->ca_file)
		bad |= curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file) != 0;
	if (o->ca_path)
		bad |= curl_easy_setopt(h, CURLOPT_CAPATH, o->ca_path) != 0;
	if (o->pinned_pubkey)
		bad |= curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY,
					o->pinned_pubkey) != CURLE_OK;
	if (o->client_cert)
		bad |= curl_easy_setopt(h, CURLOPT_SSLCERT,
					o->client_cert) != CURLE_OK;
	if (o->client_key)
		bad |= curl_easy_setopt(h, CURLOPT_SSLKEY,
					o->client_key) != CURLE_OK;
	if (o->insecure)
		umws__log(c, UMWS_LOG_WARN, "tls verification is off: the "
			  "server's identity is not checked");
	return bad ? umws__fail(c, UMWS_EINVAL, "a tls option is not "
				"supported by this libcurl") : UMWS_OK;
}

static int set_auth(umws_client *c, CURL *h)
{
	long how;

	switch (c->opts.auth) {
	case UMWS_AUTH_NTLM:
		how = CURLAUTH_NTLM;
		break;
	case UMWS_AUTH_BASIC:
		how = CURLAUTH_BASIC;
		break;
	default:
		return UMWS_OK;
	}
	/* libcurl splits DOMAIN\user itself; a UPN user@domain goes as the
	 * user name with an empty domain, which is what Exchange expects. */
	if (curl_easy_setopt(h, CURLOPT_HTTPAUTH, how) != CURLE_OK)
		return umws__fail(c, UMWS_EINVAL, "this libcurl cannot do %s",
				  how == CURLAUTH_NTLM ? "ntlm" : "basic");
	curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
	curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	return UMWS_OK;
}

static void set_limits(umws_client *c, CURL *h)
{
	struct umws_transport *tp = &c->tp;

	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 c->opts.connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->opts.timeout_ms);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)c->opts.max_response_bytes);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	/* NTLM authenticates a connection, which HTTP/2 does not have:
	 * IIS refuses it there. SOAP gains nothing from HTTP/2 anyway. */
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION,
			 (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, tp->errbuf);
	tp->max_resp = c->opts.max_response_bytes;
}

static void set_io(umws_client *c, CURL *h)
{
	struct umws_transport *tp = &c->tp;

	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(h, CURLOPT_READDATA, tp);
	curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_body);
	curl_easy_setopt(h, CURLOPT_SEEKDATA, tp);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, tp);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, tp);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
	if (c->opts.log_cb && c->opts.log_level >= UMWS_LOG_DEBUG) {
		curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
		curl_easy_setopt(h, CURLOPT_DEBUGDATA, c);
		curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	}
}

/* ---- the HTTP exchange ------------------------------------------- */

static int map_curl_error(struct umws_transport *tp)
{
	switch (tp->cres) {
	case CURLE_OPERATION_TIMEDOUT:
		return UMWS_ETIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return UMWS_ETLS;
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
		return UMWS_EAUTH;
	case CURLE_FILESIZE_EXCEEDED:
		return UMWS_ETOOBIG;
	case CURLE_OUT_OF_MEMORY:
		return UMWS_ENOMEM;
	case CURLE_WRITE_ERROR:
		return tp->too_big ? UMWS_ETOOBIG : UMWS_ENOMEM;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return UMWS_EINVAL;
	default:
		return UMWS_ECONNECT;
	}
}

static int transport_failed(umws_client *c, const char *action)
{
	struct umws_transport *tp = &c->tp;
	char why[CURL_ERROR_SIZE];

	snprintf(why, sizeof(why), "%s", tp->errbuf[0] ? tp->errbuf :
		 curl_easy_strerror(tp->cres));
	umws__tidy_message(why);

	tp->code = map_curl_error(tp);
	/* A peer that drops the connection during the TLS handshake is a
	 * network failure, not a certificate problem. */
	if (tp->cres == CURLE_SSL_CONNECT_ERROR &&
	    (strcasestr(why, "reset by peer") ||
	     strcasestr(why, "SSL_ERROR_SYSCALL") ||
	     strcasestr(why, "recv failure") ||
	     strcasestr(why, "send failure")))
		tp->code = UMWS_ECONNECT;
	/* A TLS alert after the handshake (TLS 1.3 refusing a missing
	 * client certificate) reaches libcurl as a send or receive error. */
	if ((tp->cres == CURLE_SEND_ERROR || tp->cres == CURLE_RECV_ERROR) &&
	    strstr(why, " alert "))
		tp->code = UMWS_ETLS;
	if (tp->cres == CURLE_SEND_FAIL_REWIND)
		return umws__fail(c, tp->code, "the connection was lost "
				  "after the request was sent; it was not "
				  "sent again because the server may have "
				  "acted on it");
	if (tp->code == UMWS_ETOOBIG)
		return umws__fail(c, tp->code, "response larger than %zu "
				  "bytes", tp->max_resp);
	return umws__fail(c, tp->code, "%s (curl error %d)", why,
			  (int)tp->cres);
}

static struct curl_slist *soap_headers(const char *action)
{
	struct curl_slist *l = NULL, *n;
	char *sa;
	size_t len = strlen(action) + 16;

	sa = malloc(len);
	if (!sa)
		return NULL;
	snprintf(sa, len, "SOAPAction: \"%s\"", action);
	/* Expect: 100-continue stalls the NTLM handshake against IIS. */
	const char *lines[] = { "Content-Type: text/xml; charset=utf-8",
				sa, "Expect:", "Accept: text/xml" };
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		n = curl_slist_append(l, lines[i]);
		if (!n) {
			curl_slist_free_all(l);
			l = NULL;
			break;
		}
		l = n;
	}
	free(sa);
	return l;
}

static void transfer(struct umws_transport *tp)
{
	long conns = 0;

	tp->errbuf[0] = '\0';
	tp->resp_len = 0;
	tp->cres = curl_easy_perform(tp->curl);
	curl_easy_getinfo(tp->curl, CURLINFO_RESPONSE_CODE, &tp->status);
	curl_easy_getinfo(tp->curl, CURLINFO_NUM_CONNECTS, &conns);
	tp->new_connects = conns;
	tp->connects += conns;
}

static int perform(umws_client *c, const char *action)
{
	struct umws_transport *tp = &c->tp;

	/* A poll repeats its operation: its header list is kept. */
	if (!tp->headers || strcmp(tp->headers_action, action)) {
		curl_slist_free_all(tp->headers);
		tp->headers = soap_headers(action);
		curl_easy_setopt(tp->curl, CURLOPT_HTTPHEADER, tp->headers);
		if (!tp->headers)
			return umws__fail(c, UMWS_ENOMEM, "out of memory");
		snprintf(tp->headers_action, sizeof(tp->headers_action), "%s",
			 action);
	}
	curl_easy_setopt(tp->curl, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)tp->req_len);
	/* A body given whole leaves with the headers, in one TLS record
	 * and one send instead of two. libcurl may then resend it on a
	 * dead kept-alive connection without asking, so only read-only
	 * operations do it; the others keep the refusing read callback. */
	curl_easy_setopt(tp->curl, CURLOPT_POSTFIELDS,
			 tp->resend_ok ? tp->req : NULL);
	transfer(tp);
	if (tp->cres != CURLE_OK)
		return transport_failed(c, action);
	return UMWS_OK;
}

static int exchange_hook(umws_client *c, const char *action)
{
	struct umws_transport *tp = &c->tp;
	char *resp = NULL;
	size_t len = 0;
	int rc;

	rc = tp->exchange(tp->exchange_data, action, tp->req, tp->req_len,
			  &resp, &len, &tp->status);
	if (rc) {
		free(resp);
		tp->code = rc;
		return umws__fail(c, rc, "test exchange failed");
	}
	free(tp->resp);
	tp->resp = resp;
	tp->resp_len = len;
	tp->resp_cap = len;
	if (len > tp->max_resp) {
		tp->code = UMWS_ETOOBIG;
		return umws__fail(c, UMWS_ETOOBIG, "response larger than %zu "
				  "bytes", tp->max_resp);
	}
	return UMWS_OK;
}

/* The operation's name: the SOAPAction after its last slash. */
static const char *action_name(const char *action)
{
	const char *slash = strrchr(action, '/');

	return slash ? slash + 1 : action;
}

static const char *status_hint(long status)
{
	if (status >= 300 && status < 400)
		return "redirect not followed";
	if (status == 401 || status == 403)
		return "the server refused the credentials";
	return "unexpected http status";
}

/* The HTTP status decides what the body can be: a SOAP envelope comes
 * with 200, a SOAP fault with 500, anything else is an HTTP error. */
static int check_status(umws_client *c)
{
	struct umws_transport *tp = &c->tp;
	curl_off_t wait = 0;
	char *loc = NULL;

	if (tp->status == 200 || tp->status == 500)
		return UMWS_OK;
	tp->code = tp->status == 401 ? UMWS_EAUTH : UMWS_EHTTP;
	if (tp->status >= 300 && tp->status < 400 && !tp->exchange)
		curl_easy_getinfo(tp->curl, CURLINFO_REDIRECT_URL, &loc);
	if (loc)
		return umws__fail(c, tp->code, "http %ld: %s to %s",
				  tp->status, status_hint(tp->status), loc);
	if (!tp->exchange)
		curl_easy_getinfo(tp->curl, CURLINFO_RETRY_AFTER, &wait);
	if (wait > 0)
		return umws__fail(c, tp->code, "http %ld: %s; the server "
				  "asks to retry after %ld s", tp->status,
				  status_hint(tp->status), (long)wait);
	return umws__fail(c, tp->code, "http %ld: %s", tp->status,
			  status_hint(tp->status));
}

/* A 200 must carry XML; a 500 that is not XML is an error page. */
static int check_body(umws_client *c)
{
	struct umws_transport *tp = &c->tp;
	char why[256];

	if (tp->resp_len == 0 ||
	    umws__xml_check(&tp->xml, tp->resp, tp->resp_len, why,
			    sizeof(why)) == 0)
		return UMWS_OK;
	if (tp->status == 500) {
		tp->code = UMWS_EHTTP;
		return umws__fail(c, tp->code, "http 500 without a soap "
				  "fault: the body is not xml");
	}
	tp->code = UMWS_EPROTO;
	return umws__fail(c, tp->code, "%s: malformed response: %s",
			  action_name(tp->action), why);
}

/* ---- gSOAP callbacks --------------------------------------------- */

/* The request's table before writing, the whole one before reading
 * (client.c, namespace_tables). gSOAP copies the table it is given;
 * without the copy (out of memory) it would write undeclared prefixes
 * and misread every element. */
static int use_namespaces(struct soap *soap, const struct Namespace *ns)
{
	/* gSOAP copies its table afresh for every message it reads or
	 * writes (soap_free_temp): a poll that writes nothing need not
	 * switch, and the copy is the right one when the table is. What
	 * switching also did is set the version from the table's first
	 * entry, SOAP 1.1 in both tables: soap_begin_recv has just set it
	 * to 0, which would read a body that is no envelope as plain XML. */
	if (soap->namespaces == ns && soap->local_namespaces) {
		soap->version = 1;
		return SOAP_OK;
	}
	soap_set_namespaces(soap, ns);
	return soap->local_namespaces ? SOAP_OK : (soap->error = SOAP_EOM);
}

/* snprintf(dst, size, "%s", src) without the formatting, which was a
 * fiftieth of a poll's work. */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int cb_connect(struct soap *soap, const char *endpoint,
		      const char *host, int port)
{
	umws_client *c = client_of(soap);

	if (!c->tp.resend_kept) {
		c->tp.req_len = 0;
		c->tp.kept = 0;
	}
	c->tp.req_pos = 0;
	/* Every operation has a SOAPAction, so none means that gSOAP could
	 * not copy it (out of memory), not a request to send without. */
	if (!soap->action)
		return soap->error = SOAP_EOM;
	copy_text(c->tp.action, sizeof(c->tp.action), soap->action);
	/* gSOAP writes only the XML; libcurl writes the HTTP. */
	soap->omode = (soap->omode & ~SOAP_IO) | SOAP_IO_BUFFER |
		      SOAP_ENC_PLAIN;
	soap->socket = 0;
	/* A kept request is not written: the table stays the reading one. */
	if (c->tp.resend_kept)
		return SOAP_OK;
	return use_namespaces(soap, c->req_ns);
}

static int cb_send(struct soap *soap, const char *buf, size_t len)
{
	umws_client *c = client_of(soap);
	struct umws_transport *tp = &c->tp;

	/* A kept request goes as it is: nothing may be added to it. */
	if (tp->resend_kept) {
		if (!len)
			return SOAP_OK;
		umws__fail(c, UMWS_EINTERNAL, "%s: gSOAP wrote to a kept "
			   "request", action_name(tp->action));
		return soap->error = SOAP_EOF;
	}
	if (grow(&tp->req, &tp->req_cap, tp->req_len + len + 1))
		return soap->error = SOAP_EOM;
	memcpy(tp->req + tp->req_len, buf, len);
	tp->req_len += len;
	return SOAP_OK;
}

/* The request is whole once gSOAP asks for the response: one written
 * for a key (umws__transport_keep) may be sent again for the same key. */
static void keep_request(struct umws_transport *tp)
{
	tp->kept = 0;
	if (!tp->next_key)
		return;
	if (!tp->kept_key || strcmp(tp->kept_key, tp->next_key)) {
		free(tp->kept_key);
		tp->kept_key = strdup(tp->next_key);
		if (!tp->kept_key)
			return;
	}
	tp->kept = 1;
}

static int cb_exchange(struct soap *soap)
{
	umws_client *c = client_of(soap);
	const char *action = c->tp.action;
	int rc;

	c->tp.resp_len = 0;
	c->tp.resp_pos = 0;
	c->tp.too_big = 0;
	c->tp.status = 0;
	if (!c->tp.resend_kept)
		keep_request(&c->tp);
	if (use_namespaces(soap, c->resp_ns))
		return soap->error;
	umws__log(c, UMWS_LOG_TRACE, "request: %.*s", (int)c->tp.req_len,
		  c->tp.req);
	rc = c->tp.exchange ? exchange_hook(c, action) : perform(c, action);
	if (rc == UMWS_OK)
		rc = check_status(c);
	if (rc == UMWS_OK)
		rc = check_body(c);
	if (rc != UMWS_OK)
		return soap->error = SOAP_TCP_ERROR;
	umws__log(c, UMWS_LOG_TRACE, "response: %.*s", (int)c->tp.resp_len,
		  c->tp.resp ? c->tp.resp : "");
	soap->imode |= SOAP_ENC_PLAIN;
	soap->mode |= SOAP_ENC_PLAIN;
	return SOAP_OK;
}

static size_t cb_recv(struct soap *soap, char *buf, size_t size)
{
	struct umws_transport *tp = &client_of(soap)->tp;
	size_t left = tp->resp_len - tp->resp_pos;
	size_t len = size < left ? size : left;

	if (len)
		memcpy(buf, tp->resp + tp->resp_pos, len);
	tp->resp_pos += len;
	return len;
}

static int cb_close(struct soap *soap)
{
	return SOAP_OK;
}

/* ---- entry points -------------------------------------------------- */

int umws__transport_init(umws_client *c)
{
	struct soap *soap = c->soap;
	int rc;

	c->tp.curl = curl_easy_init();
	if (!c->tp.curl)
		return umws__fail(c, UMWS_ENOMEM, "cannot create a libcurl "
				  "handle");
	set_io(c, c->tp.curl);
	set_limits(c, c->tp.curl);
	rc = set_tls(c, c->tp.curl);
	if (rc == UMWS_OK)
		rc = set_auth(c, c->tp.curl);
	soap->user = c;
	soap->fconnect = cb_connect;
	soap->fsend = cb_send;
	soap->fprepareinitrecv = cb_exchange;
	soap->frecv = cb_recv;
	soap->fclose = cb_close;
	soap->fdisconnect = cb_close;
	return rc;
}

void umws__transport_free(umws_client *c)
{
	struct umws_transport *tp = &c->tp;

	if (tp->curl)
		curl_easy_cleanup(tp->curl);
	curl_slist_free_all(tp->headers);
	free(tp->req);
	free(tp->resp);
	free(tp->kept_key);
	umws__xmlguard_free(tp->xml);
	memset(tp, 0, sizeof(*tp));
}

void umws__transport_begin(umws_client *c, int resend_ok)
{
	struct umws_transport *tp = &c->tp;

	tp->code = 0;
	tp->status = 0;
	tp->cres = CURLE_OK;
	tp->body_sent = 0;
	tp->answered = 0;
	tp->resend_ok = resend_ok;
	tp->new_connects = 0;
	tp->next_key = NULL;
	tp->resend_kept = 0;
}

/* Whether the request last written was for key and is whole. */
int umws__transport_kept(const umws_client *c, const char *key)
{
	const struct umws_transport *tp = &c->tp;

	return tp->kept && tp->kept_key && key && !strcmp(tp->kept_key, key);
}

/* The request about to be written is for key (kept after it is whole),
 * or, with resend, the kept one for key goes again unwritten. */
void umws__transport_keep(umws_client *c, const char *key, int resend)
{
	c->tp.next_key = key;
	c->tp.resend_kept = key && resend && umws__transport_kept(c, key);
}

/* A read-only operation may be sent again when a kept-alive connection
 * turned out dead: nothing came back and no new connection was made. */
int umws__transport_retry_ok(const umws_client *c)
{
	const struct umws_transport *tp = &c->tp;

	if (!tp->resend_ok || tp->exchange || tp->new_connects)
		return 0;
	return tp->cres == CURLE_SEND_ERROR || tp->cres == CURLE_RECV_ERROR ||
	       tp->cres == CURLE_GOT_NOTHING;
}

void umws__set_exchange(umws_client *c, umws__exchange_fn fn, void *data)
{
	c->tp.exchange = fn;
	c->tp.exchange_data = data;
}
