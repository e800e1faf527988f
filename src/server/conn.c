/* umws-server: one client connection: HTTP authentication through
 * gSOAP's hooks, then the keep-alive serve loop.
 *
 * NTLM authenticates the TCP connection, not the request (as IIS does):
 * once the three legs are done, later requests on the connection pass
 * without an Authorization header. The 401 legs are answered from the
 * fform hook, which gSOAP calls after the headers and before the body
 * is parsed as SOAP; the body is skipped so the connection stays
 * usable for the next leg. Other refusals (503 when the server is
 * full, 404, 411, 413, 415) are answered the same way.
 *
 * A body that passes those is read whole, checked by libxml2, and only
 * then handed to gSOAP, whose lenient reader would otherwise cut a
 * string at "&#0;" or drop an undefined entity without a word. */
#include "server.h"
#include "soapH.h"
#include "xmlguard.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#define CHALLENGE_MAX 1024

/* The two paths a request is served by, in IIS's spelling; IIS
 * matches paths without regard to case. */
static const char *const service_paths[] = {
	"/EWS/UM2007Legacy.asmx",
	"/UnifiedMessaging/Service.asmx",
};

struct conn {
	int (*parse)(struct soap *);
	int (*posthdr)(struct soap *, const char *, const char *);
	int (*response)(struct soap *, int, ULONG64);
	int (*parsehdr)(struct soap *, const char *, const char *);
	size_t (*recv)(struct soap *, char *, size_t);
	int slot;
	int busy;		/* over the cap: every request gets 503 */
	int started;		/* the request's first byte has come */
	int status;		/* HTTP status the form hook answers with */
	int skip_body;
	int body_limited;	/* socket reads end at the body's end */
	int body_buffered;	/* the body is read: served from body[] */
	int body_marked;
	ULONG64 body_left;	/* bytes of this request not yet read */
	size_t body_at, body_len;
	const char *peer;
	const struct srv_user *user;	/* NTLM: bound to the connection */
	const struct srv_user *request_user;
	int ntlm_pending;
	int fault_keep_alive;
	const char *op;
	const char *outcome;
	unsigned char negotiate[NTLM_MSG_MAX];
	size_t negotiate_len;
	unsigned char challenge[CHALLENGE_MAX];
	size_t challenge_len;
	char authz[SOAP_HDRLEN];
	char www_auth[2048];
	struct xmlguard *xml;	/* kept between this connection's bodies */
	char body[SRV_REQUEST_MAX];
};

static struct conn_config cfg;
static unsigned long handshakes;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

void conn_configure(const struct conn_config *c)
{
	cfg = *c;
}

unsigned long conn_handshakes(void)
{
	unsigned long n;

	pthread_mutex_lock(&stats_lock);
	n = handshakes;
	pthread_mutex_unlock(&stats_lock);
	return n;
}

static void stats_text(char *out, size_t cap, unsigned long n)
{
	snprintf(out, cap, "ntlm_handshakes %lu\n", n);
}

/* The file is rewritten under the lock so its count never goes back. */
static unsigned long count_handshake(void)
{
	char text[64];
	unsigned long n;

	pthread_mutex_lock(&stats_lock);
	n = ++handshakes;
	stats_text(text, sizeof(text), n);
	if (cfg.stats_file && srv_write_file(cfg.stats_file, text) != 0)
		srv_log("cannot write stats file %s", cfg.stats_file);
	pthread_mutex_unlock(&stats_lock);
	return n;
}

const struct srv_user *conn_user(struct soap *soap)
{
	struct conn *c = soap->user;

	return c->request_user;
}

void conn_note(struct soap *soap, const char *op, const char *outcome)
{
	struct conn *c = soap->user;

	if (op)
		c->op = op;
	if (outcome)
		c->outcome = outcome;
}

/* A service fault comes after the whole request was read, so unlike
 * gSOAP's default the connection (and its NTLM session) can live on. */
void conn_keep_after_fault(struct soap *soap)
{
	struct conn *c = soap->user;

	c->fault_keep_alive = soap->keep_alive;
}

static int refuse(struct soap *soap, struct conn *c, const char *why,
		  const char *offer)
{
	snprintf(c->www_auth, sizeof(c->www_auth), "%s", offer);
	c->outcome = why;
	return 401;
}

static int authorize_basic(struct soap *soap, struct conn *c)
{
	const struct srv_user *u = NULL;
	const char *pw;

	if (soap->userid)
		u = users_find_login(soap->userid);
	if (!u || !soap->passwd) {
		if (soap->userid)
			soap->keep_alive = 0;
		return refuse(soap, c, soap->userid ? "401 bad credentials" :
			      "401 no credentials", "Basic realm=\"umws\"");
	}
	pw = users_password(u);
	if (strlen(pw) != strlen(soap->passwd) ||
	    CRYPTO_memcmp(pw, soap->passwd, strlen(pw))) {
		soap->keep_alive = 0;
		return refuse(soap, c, "401 bad credentials",
			      "Basic realm=\"umws\"");
	}
	c->request_user = u;
	return 0;
}

static int ntlm_fail(struct soap *soap, struct conn *c, const char *why)
{
	c->user = NULL;
	c->ntlm_pending = 0;
	soap->keep_alive = 0;
	return refuse(soap, c, why, "NTLM");
}

/* The NEGOTIATE and CHALLENGE messages are kept for the MIC. */
static int ntlm_challenge(struct soap *soap, struct conn *c,
			  const unsigned char *negotiate, size_t len)
{
	unsigned char chal[8];
	char *b64;

	if (RAND_bytes(chal, sizeof(chal)) != 1)
		return ntlm_fail(soap, c, "401 no randomness");
	memcpy(c->negotiate, negotiate, len);
	c->negotiate_len = len;
	c->challenge_len = ntlm_build_challenge(c->challenge,
						sizeof(c->challenge), chal,
						&cfg.names,
						srv_filetime_now());
	b64 = c->challenge_len ? srv_b64_encode(c->challenge,
						c->challenge_len) : NULL;
	if (!b64 || strlen(b64) + 6 > sizeof(c->www_auth)) {
		free(b64);
		return ntlm_fail(soap, c, "401 challenge too long");
	}
	snprintf(c->www_auth, sizeof(c->www_auth), "NTLM %s", b64);
	free(b64);
	c->user = NULL;
	c->ntlm_pending = 1;
	c->outcome = "401 ntlm challenge";
	return 401;
}

/* An empty domain with user@domain is a UPN login (curl -u u@d). */
static const struct srv_user *ntlm_lookup(const struct ntlm_auth *a)
{
	char user[256], dom[256];
	const struct srv_user *u = NULL;

	if (ntlm_to_utf8(a, a->user, a->user_len, user, sizeof(user)) ||
	    ntlm_to_utf8(a, a->domain, a->domain_len, dom, sizeof(dom)))
		return NULL;
	if (*dom)
		u = users_find(dom, user);
	return u ? u : users_find_login(user);
}

static int ntlm_authenticate(struct soap *soap, struct conn *c,
			     const unsigned char *msg, size_t len)
{
	struct ntlm_auth a;
	const struct srv_user *u;
	struct ntlm_exchange x = {
		c->negotiate, c->negotiate_len, c->challenge,
		c->challenge_len, 0
	};

	if (!c->ntlm_pending)
		return ntlm_fail(soap, c, "401 ntlm answer without challenge");
	c->ntlm_pending = 0;
	if (ntlm_parse_authenticate(msg, len, &a) != 0)
		return ntlm_fail(soap, c, "401 malformed ntlm message");
	x.challenge_flags = (uint32_t)c->challenge[20] |
		(uint32_t)c->challenge[21] << 8 |
		(uint32_t)c->challenge[22] << 16 |
		(uint32_t)c->challenge[23] << 24;
	u = ntlm_lookup(&a);
	if (!u || ntlm_verify(&a, users_password(u), &x))
		return ntlm_fail(soap, c, "401 bad credentials");
	c->user = u;
	c->request_user = u;
	srv_log("%s ntlm handshake done for %s (handshakes %lu)", c->peer,
		users_label(u), count_handshake());
	return 0;
}

static int authorize_ntlm(struct soap *soap, struct conn *c)
{
	unsigned char msg[NTLM_MSG_MAX];
	size_t len;
	uint32_t flags;

	if (!*c->authz) {
		c->request_user = c->user;
		return c->user ? 0 : refuse(soap, c, "401 no credentials",
					    "NTLM");
	}
	if (strncasecmp(c->authz, "NTLM ", 5) ||
	    srv_b64_decode(c->authz + 5, msg, sizeof(msg), &len))
		return ntlm_fail(soap, c, "401 not an ntlm token");
	if (ntlm_parse_negotiate(msg, len, &flags) == 0)
		return ntlm_challenge(soap, c, msg, len);
	return ntlm_authenticate(soap, c, msg, len);
}

/* The form hook: a refused request's body is skipped when that is
 * cheap, so the connection (and an NTLM handshake) can go on. */
static int send_status(struct soap *soap)
{
	struct conn *c = soap->user;

	if (c->skip_body &&
	    (soap_http_skip_body(soap) || soap_end_recv(soap)))
		return soap->error;
	return soap_send_empty_response(soap, c->status);
}

/* gSOAP reads XML until it is complete, not until Content-Length, so
 * a short body would hold the thread until the read timeout; reads are
 * cut at the body's end instead. */
static void limit_body(struct soap *soap, struct conn *c)
{
	ULONG64 buffered = soap->buflen - soap->bufidx;

	if ((soap->imode & SOAP_IO) == SOAP_IO_CHUNK || !soap->length)
		return;
	c->body_limited = 1;
	c->body_marked = 0;
	c->body_left = soap->length > buffered ? soap->length - buffered : 0;
}

/* At the body's end the parser gets a closing tag that matches nothing,
 * so a body cut short fails as unparsable (answered with a fault)
 * rather than as a dropped connection (answered with nothing). */
static size_t cut_mark(struct conn *c, char *buf, size_t len)
{
	static const char mark[] = "</umws-server-end-of-body>";

	if (c->body_marked || len < sizeof(mark) - 1)
		return 0;
	c->body_marked = 1;
	memcpy(buf, mark, sizeof(mark) - 1);
	return sizeof(mark) - 1;
}

static size_t from_body(struct conn *c, char *buf, size_t len)
{
	if (c->body_at == c->body_len)
		return cut_mark(c, buf, len);
	if (len > c->body_len - c->body_at)
		len = c->body_len - c->body_at;
	memcpy(buf, c->body + c->body_at, len);
	c->body_at += len;
	return len;
}

/* A request's budget runs from its first byte, not from the wait. */
static size_t from_socket(struct soap *soap, struct conn *c, char *buf,
			  size_t len)
{
	size_t n = c->recv(soap, buf, len);

	if (n && !c->started) {
		c->started = 1;
		listen_request_started(c->slot);
	}
	return n;
}

static size_t conn_recv(struct soap *soap, char *buf, size_t len)
{
	struct conn *c = soap->user;
	size_t n;

	if (c->body_buffered)
		return from_body(c, buf, len);
	if (!c->body_limited)
		return from_socket(soap, c, buf, len);
	if (c->body_left == 0)
		return cut_mark(c, buf, len);
	if (len > c->body_left)
		len = (size_t)c->body_left;
	n = c->recv(soap, buf, len);
	c->body_left -= n;
	return n;
}

/* The request target as a path: an absolute URL loses its scheme and
 * host, any query is ignored. */
static int is_service_path(const char *target)
{
	const char *p = target, *q;
	size_t i, n;

	if (!strncasecmp(p, "http://", 7) || !strncasecmp(p, "https://", 8))
		p = strchr(strstr(p, "//") + 2, '/');
	if (!p)
		return 0;
	q = strchr(p, '?');
	n = q ? (size_t)(q - p) : strlen(p);
	for (i = 0; i < sizeof(service_paths) / sizeof(*service_paths); i++)
		if (strlen(service_paths[i]) == n &&
		    !strncasecmp(p, service_paths[i], n))
			return 1;
	return 0;
}

static int refuse_with(struct soap *soap, struct conn *c, int status,
		       const char *why)
{
	c->outcome = why;
	return status;
}

/* What must be refused before the body is read, as an HTTP status;
 * 0 for a request to serve. A body that is chunked or too big is not
 * read at all: the connection closes after the answer. */
static int refusal(struct soap *soap, struct conn *c)
{
	int chunked = (soap->imode & SOAP_IO) == SOAP_IO_CHUNK;

	c->skip_body = !chunked && soap->length <= SRV_REQUEST_MAX;
	if (!c->skip_body || c->busy)
		soap->keep_alive = 0;
	if (c->busy)
		return refuse_with(soap, c, 503, "503 server full");
	if (chunked)
		return refuse_with(soap, c, 411, "411 chunked body");
	if (soap->length > SRV_REQUEST_MAX)
		return refuse_with(soap, c, 413, "413 body too large");
	if (!is_service_path(soap->path))
		return refuse_with(soap, c, 404, "404 no such service");
	if (soap->zlib_in != SOAP_ZLIB_NONE)
		return refuse_with(soap, c, 415, "415 compressed body");
	if (cfg.auth == SRV_AUTH_NONE) {
		c->request_user = users_anonymous();
		return 0;
	}
	return cfg.auth == SRV_AUTH_BASIC ? authorize_basic(soap, c) :
		authorize_ntlm(soap, c);
}

/* The whole body, from gSOAP's buffer and then the socket; gSOAP reads
 * it again from body[] (conn_recv) once libxml2 has vouched for it. */
static int read_body(struct soap *soap, struct conn *c)
{
	size_t want = (size_t)soap->length;
	size_t have = soap->buflen - soap->bufidx, n;
	char why[160];

	if (have > want)
		have = want;
	memcpy(c->body, soap->buf + soap->bufidx, have);
	c->body_at = have;
	for (; have < want; have += n) {
		n = c->recv(soap, c->body + have, want - have);
		if (n == 0)
			return SOAP_EOF;
	}
	c->body_len = want;
	c->body_buffered = 1;
	c->body_marked = 0;
	if (xml_check(c->xml, c->body, want, why, sizeof(why)) != 0) {
		srv_debug("%s request refused: %s", c->peer, why);
		return SOAP_SYNTAX_ERROR;
	}
	return SOAP_OK;
}

static int conn_parse(struct soap *soap)
{
	struct conn *c = soap->user;
	int err;

	*c->authz = '\0';
	*c->www_auth = '\0';
	c->request_user = NULL;
	err = c->parse(soap);
	if (err || soap->status != SOAP_POST)
		return err;
	limit_body(soap, c);
	c->status = refusal(soap, c);
	if (c->status) {
		soap->fform = send_status;
		return SOAP_OK;
	}
	return read_body(soap, c);
}

static int conn_parsehdr(struct soap *soap, const char *key,
			 const char *val)
{
	struct conn *c = soap->user;

	if (!strcasecmp(key, "Authorization"))
		snprintf(c->authz, sizeof(c->authz), "%s", val);
	return c->parsehdr(soap, key, val);
}

/* gSOAP always offers Basic in a 401; NTLM's offer replaces it. */
static int conn_posthdr(struct soap *soap, const char *key,
			const char *val)
{
	struct conn *c = soap->user;

	if (key && val && *c->www_auth &&
	    !strcasecmp(key, "WWW-Authenticate"))
		val = c->www_auth;
	if (key && val && !strcasecmp(key, "Server")) {
		val = SRV_NAME;
		if (c->busy && c->posthdr(soap, "Retry-After", "1"))
			return soap->error;
	}
	return c->posthdr(soap, key, val);
}

static int conn_response(struct soap *soap, int status, ULONG64 count)
{
	struct conn *c = soap->user;

	if (c->fault_keep_alive && status == SOAP_FAULT)
		soap->keep_alive = c->fault_keep_alive;
	c->fault_keep_alive = 0;
	return c->response(soap, status, count);
}

/* GET /stats tells tests how many NTLM handshakes were completed. */
static int conn_get(struct soap *soap)
{
	struct conn *c = soap->user;
	char body[64];

	if (c->busy || strcmp(soap->path, "/stats")) {
		conn_note(soap, "GET", c->busy ? "503 server full" :
			  "404 no such page");
		soap->keep_alive = c->busy ? 0 : soap->keep_alive;
		return soap_send_empty_response(soap, c->busy ? 503 : 404);
	}
	stats_text(body, sizeof(body), conn_handshakes());
	conn_note(soap, "GET /stats", "ok");
	soap->http_content = "text/plain; charset=utf-8";
	if (soap_response(soap, SOAP_FILE) || soap_send(soap, body) ||
	    soap_end_send(soap))
		return soap->error;
	return SOAP_OK;
}

static void hook(struct soap *soap, struct conn *c)
{
	c->parse = soap->fparse;
	c->parsehdr = soap->fparsehdr;
	c->posthdr = soap->fposthdr;
	c->response = soap->fresponse;
	c->recv = soap->frecv;
	soap->user = c;
	soap->frecv = conn_recv;
	soap->fparse = conn_parse;
	soap->fparsehdr = conn_parsehdr;
	soap->fposthdr = conn_posthdr;
	soap->fresponse = conn_response;
	soap->fget = conn_get;
	soap->fseterror = ops_invalid_request;
}

static void log_request(struct soap *soap, struct conn *c)
{
	const struct srv_user *u = c->request_user ? c->request_user :
		c->user;

	if (!c->op && !c->outcome)
		return;
	srv_log("%s user=%s op=%s outcome=%s", c->peer, users_label(u),
		c->op ? c->op : "-", c->outcome ? c->outcome : "ok");
	c->op = NULL;
	c->outcome = NULL;
}

/* gSOAP stops quietly (error SOAP_POST) on XML that is no SOAP
 * envelope; Exchange answers it as an invalid request. */
static void not_soap(struct soap *soap, struct conn *c)
{
	if (soap->error != SOAP_POST || c->outcome)
		return;
	soap->error = SOAP_SYNTAX_ERROR;
	soap_send_fault(soap);
}

static void next_request(struct conn *c)
{
	c->started = 0;
	c->status = 0;
	c->body_limited = 0;
	c->body_buffered = 0;
}

/* One request; 0 when the connection may serve another. */
static int serve_one(struct soap *soap, struct conn *c)
{
	int rc;

	if (soap_begin_serve(soap)) {
		not_soap(soap, c);
		log_request(soap, c);
		soap_destroy(soap);
		soap_end(soap);
		return soap->error >= SOAP_STOP ? 0 : -1;
	}
	/* A response names no QName in its text, so canonical output can
	 * declare just the namespaces it uses (two, against the six of
	 * the table, which cost every client a third of its parsing). A
	 * fault's faultcode is a QName: faults keep the whole table. */
	soap->omode |= SOAP_XML_CANONICAL;
	rc = soap_serve_request(soap);
	soap->omode &= ~SOAP_XML_CANONICAL;
	if (rc && soap->error && soap->error < SOAP_STOP)
		soap_send_fault(soap);
	log_request(soap, c);
	soap_destroy(soap);
	soap_end(soap);
	return 0;
}

static void serve_loop(struct soap *soap, struct conn *c)
{
	soap->keep_alive = soap->max_keep_alive + 1;
	do {
		if (soap->keep_alive > 0 && soap->max_keep_alive > 0)
			soap->keep_alive--;
		next_request(c);
		if (serve_one(soap, c) != 0)
			break;
		listen_request_done(c->slot);
	} while (soap->keep_alive && !srv_stopping);
}

/* Runs in the connection's thread; the TLS handshake is already done.
 * A busy connection (over the cap) only ever answers 503. */
void conn_serve(struct soap *soap, const char *peer, int slot, int busy)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return;
	c->peer = peer;
	c->slot = slot;
	c->busy = busy;
	/* Without it (out of memory) each body gets a fresh parser. */
	c->xml = umws__xmlguard_new();
	hook(soap, c);
	serve_loop(soap, c);
	soap->user = NULL;
	OPENSSL_cleanse(c->authz, sizeof(c->authz));
	umws__xmlguard_free(c->xml);
	free(c);
}
