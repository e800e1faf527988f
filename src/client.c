/* client.c - the client handle: options, error record and logging */
#include "internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* gSOAP's namespace table; hidden with the rest of the library. */
#include "UMServiceSoap.nsmap"

static const umws_error null_client_error = {
	UMWS_EINVAL, UMWS_FAULT_NONE, "no client", 0, NULL, NULL, NULL
};

UMWS_EXTERN int umws_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return UMWS_EINTERNAL;
	umws__xml_init();
	return UMWS_OK;
}

UMWS_EXTERN void umws_global_cleanup(void)
{
	umws__xml_cleanup();
	curl_global_cleanup();
}

UMWS_EXTERN const char *umws_version(void)
{
	return UMWS_VERSION;
}

UMWS_EXTERN const char *umws_strerror(int code)
{
	switch (code) {
	case UMWS_OK: return "success";
	case UMWS_EINVAL: return "invalid argument";
	case UMWS_ENOMEM: return "out of memory";
	case UMWS_ECONNECT: return "cannot reach the server";
	case UMWS_ETLS: return "tls failure";
	case UMWS_EAUTH: return "authentication failed";
	case UMWS_ETIMEOUT: return "timed out";
	case UMWS_EHTTP: return "unexpected http status";
	case UMWS_EFAULT: return "the server returned a soap fault";
	case UMWS_EPROTO: return "malformed response";
	case UMWS_ETOOBIG: return "response too large";
	case UMWS_EBUSY: return "a previous call is still active";
	case UMWS_ECANCELED: return "cancelled";
	case UMWS_EINTERNAL: return "internal error";
	case UMWS_EDEADLINE: return "the wait's deadline passed";
	default: return "unknown error";
	}
}

UMWS_EXTERN void umws_free(void *p)
{
	free(p);
}

char *umws__strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* ---- error record and logging ------------------------------------ */

/*
 * Messages from libcurl, libxml2 and gSOAP start with a capital and may
 * span lines; ours are one lower-case line. An acronym keeps its case
 * ("SSL certificate problem").
 */
void umws__tidy_message(char *s)
{
	size_t n;

	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	if (s[0] && s[1] && islower((unsigned char)s[1]))
		s[0] = (char)tolower((unsigned char)s[0]);
}

void umws__clear_error(umws_client *c)
{
	for (size_t i = 0; i < 4; i++) {
		free(c->err_buf[i]);
		c->err_buf[i] = NULL;
	}
	memset(&c->err, 0, sizeof(c->err));
	c->err.message = "";
}

static void vlog(const umws_client *c, umws_log_level level,
		 const char *fmt, va_list ap)
{
	char line[1024];

	if (!c->opts.log_cb || level > c->opts.log_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	c->opts.log_cb(level, line, c->opts.log_data);
}

void umws__log(const umws_client *c, umws_log_level level,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(c, level, fmt, ap);
	va_end(ap);
}

/* Records the first failure of an operation; later, deeper causes do not
 * overwrite the message the caller needs. */
int umws__fail(umws_client *c, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->err.code != UMWS_OK)
		return c->err.code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	free(c->err_buf[0]);
	c->err_buf[0] = strdup(msg);
	c->err.code = code;
	c->err.message = c->err_buf[0] ? c->err_buf[0] : umws_strerror(code);
	c->err.http_status = c->tp.status;
	/* The caller gets the error itself; the log only tells the story. */
	umws__log(c, UMWS_LOG_INFO, "failed: %s", c->err.message);
	return code;
}

/* Length of the UTF-8 sequence at s, or 0 when it is not one: overlong
 * forms, surrogates and code points past U+10FFFF are refused. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned int cp, n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * A caller's string goes into XML: it must be UTF-8 without the control
 * characters XML 1.0 cannot carry, or the server would get a malformed
 * request. gSOAP escapes <, & and the like itself.
 */
int umws__utf8_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n;

		/* Printable ASCII, all of a CallId, in one test a byte. */
		if (*p >= 0x20 && *p < 0x80) {
			p++;
			continue;
		}
		n = utf8_seq(p);
		if (!n || (*p < 0x20 && *p != '\t' && *p != '\n' &&
			   *p != '\r'))
			return 0;
		p += n;
	}
	return 1;
}

/* Validates a caller's string argument before it goes on the wire. */
int umws__check_text(umws_client *c, const char *what, const char *s,
		     size_t max)
{
	size_t len;

	if (!s || !*s)
		return umws__fail(c, UMWS_EINVAL, "%s is empty", what);
	len = strnlen(s, max + 1);
	if (len > max)
		return umws__fail(c, UMWS_EINVAL, "%s is longer than %zu "
				  "bytes", what, max);
	if (!umws__utf8_text_ok(s))
		return umws__fail(c, UMWS_EINVAL, "%s is not valid utf-8 "
				  "text (or holds control characters)", what);
	return UMWS_OK;
}

UMWS_EXTERN const umws_error *umws_client_error(const umws_client *c)
{
	return c ? &c->err : &null_client_error;
}

UMWS_EXTERN long umws_client_connections(const umws_client *c)
{
	return c ? c->tp.connects : 0;
}

/* ---- options ----------------------------------------------------- */

UMWS_EXTERN int umws_options_init(umws_options *opts, unsigned int version)
{
	if (!opts || version != UMWS_OPTIONS_VERSION)
		return UMWS_EINVAL;
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return UMWS_OK;
}

static int bad(char *errbuf, size_t errlen, int code, const char *msg)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", msg);
	return code;
}

static int check_url(const umws_options *o, char *errbuf, size_t errlen)
{
	int https, creds = o->auth != UMWS_AUTH_NONE;

	if (!o->url || !*o->url)
		return bad(errbuf, errlen, UMWS_EINVAL, "no url given");
	https = strncasecmp(o->url, "https://", 8) == 0;
	if (!https && strncasecmp(o->url, "http://", 7) != 0)
		return bad(errbuf, errlen, UMWS_EINVAL,
			   "the url must start with https:// or http://");
	if (!https && o->auth == UMWS_AUTH_BASIC)
		return bad(errbuf, errlen, UMWS_EINVAL,
			   "basic authentication needs https://");
	if (!https && creds && !o->allow_http)
		return bad(errbuf, errlen, UMWS_EINVAL, "refusing to send "
			   "credentials over http:// (allow_http is off)");
	return umws__check_url_parts(o->url, errbuf, errlen);
}

static int check_options(const umws_options *o, char *errbuf,
			 size_t errlen)
{
	if (o->version != UMWS_OPTIONS_VERSION)
		return bad(errbuf, errlen, UMWS_EINVAL,
			   "unknown options version");
	if (o->auth != UMWS_AUTH_NONE && o->auth != UMWS_AUTH_NTLM &&
	    o->auth != UMWS_AUTH_BASIC)
		return bad(errbuf, errlen, UMWS_EINVAL, "unknown auth method");
	if (o->auth != UMWS_AUTH_NONE &&
	    (!o->user || !*o->user || !o->password))
		return bad(errbuf, errlen, UMWS_EINVAL,
			   "authentication needs a user and a password");
	if (o->connect_timeout_ms < 0 || o->timeout_ms < 0)
		return bad(errbuf, errlen, UMWS_EINVAL,
			   "timeouts cannot be negative");
	if ((o->client_key && !o->client_cert))
		return bad(errbuf, errlen, UMWS_EINVAL,
			   "a client key needs a client certificate");
	return check_url(o, errbuf, errlen);
}

static int copy_options(umws_client *c, const umws_options *o)
{
	char ua[64];

	c->opts = *o;
	snprintf(ua, sizeof(ua), "umws/%s", UMWS_VERSION);
	c->url = strdup(o->url);
	c->user_agent = strdup(o->user_agent ? o->user_agent : ua);
	c->opts.url = c->url;
	c->opts.user = c->user;
	c->opts.password = c->password;
	c->opts.user_agent = c->user_agent;
	c->opts.ca_file = umws__strdup(o->ca_file);
	c->opts.ca_path = umws__strdup(o->ca_path);
	c->opts.pinned_pubkey = umws__strdup(o->pinned_pubkey);
	c->opts.client_cert = umws__strdup(o->client_cert);
	c->opts.client_key = umws__strdup(o->client_key);
	if (!c->url || !c->user_agent ||
	    (o->ca_file && !c->opts.ca_file) ||
	    (o->ca_path && !c->opts.ca_path) ||
	    (o->pinned_pubkey && !c->opts.pinned_pubkey) ||
	    (o->client_cert && !c->opts.client_cert) ||
	    (o->client_key && !c->opts.client_key))
		return UMWS_ENOMEM;
	return UMWS_OK;
}

static void apply_defaults(umws_options *o)
{
	if (!o->connect_timeout_ms)
		o->connect_timeout_ms = UMWS_DEFAULT_CONNECT_MS;
	if (!o->timeout_ms)
		o->timeout_ms = UMWS_DEFAULT_TIMEOUT_MS;
	if (!o->max_response_bytes)
		o->max_response_bytes = UMWS_DEFAULT_MAX_RESPONSE;
}

/*
 * gSOAP declares every namespace of its table on each envelope it
 * writes. A request uses two of the six: the envelope's and the
 * messages one. The others are there to read responses (SOAP-ENC, xsi
 * and xsd at the indices gSOAP expects, the errors namespace of a
 * fault), and writing them was an eighth of the client's work per call.
 * The transport switches tables between writing and reading.
 *
 * soapcpp2's table also matches SOAP-ENV, SOAP-ENC, xsi and xsd by
 * pattern ("http://www.w3.org/(any)/XMLSchema"), for the drafts of
 * SOAP 1.2 (2001-2002) and of XML Schema (1999-2000). Each namespace a
 * response declares is held against every pattern ahead of its own
 * entry, and the xsi and xsd that Exchange declares on each envelope
 * cost a tenth of reading it.
 * The table a response is read with names the SOAP 1.2 envelope by its
 * final URI (gSOAP compares it ignoring case, with '-' for any one
 * character) and the others by theirs alone (gSOAP itself sets SOAP-ENC
 * to the version of the envelope it reads).
 */
static void namespace_tables(umws_client *c)
{
	const struct Namespace *ns;
	size_t n = 0, i = 0;

	_Static_assert(sizeof(namespaces) <= sizeof(c->resp_ns),
		       "the response table holds the generated one");
	for (ns = namespaces; ns->id; ns++, i++) {
		c->resp_ns[i] = *ns;
		c->resp_ns[i].in = NULL;
		if (!strcmp(ns->id, "SOAP-ENV"))
			c->resp_ns[i].in = "http://www.w3.org/2003/05/"
					   "soap-envelope";
		if (n < 2 && (!strcmp(ns->id, "SOAP-ENV") ||
			      !strcmp(ns->id, "um")))
			c->req_ns[n++] = *ns;
	}
	memset(&c->resp_ns[i], 0, sizeof(c->resp_ns[i]));
	memset(&c->req_ns[n], 0, sizeof(c->req_ns[n]));
}

/* Bounds on what a response may make gSOAP build: a hostile server must
 * not make the client recurse or allocate without limit. */
static int new_soap(umws_client *c)
{
	c->soap = soap_new1(SOAP_C_UTFSTRING | SOAP_XML_NOTYPE);
	if (!c->soap)
		return UMWS_ENOMEM;
	namespace_tables(c);
	soap_set_namespaces(c->soap, c->resp_ns);
	c->soap->maxlevel = 64;
	c->soap->maxoccurs = 1024;
	c->soap->maxlength = (long)(c->opts.max_response_bytes > 0x7fffffff ?
				    0x7fffffff : c->opts.max_response_bytes);
	c->soap->recv_maxlength = c->soap->maxlength;
	return UMWS_OK;
}

static void wipe(char *s)
{
	volatile char *p = s;

	while (p && *p)
		*p++ = '\0';
}

UMWS_EXTERN int umws_client_new2(umws_client **out, const umws_options *opts,
				 char *errbuf, size_t errlen)
{
	umws_client *c;
	int rc;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!out || !opts)
		return bad(errbuf, errlen, UMWS_EINVAL, "null argument");
	*out = NULL;
	rc = check_options(opts, errbuf, errlen);
	if (rc)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return bad(errbuf, errlen, UMWS_ENOMEM, "out of memory");
	umws__clear_error(c);
	c->ops = &umws__generated_ops;
	rc = umws__take_credentials(c, opts, errbuf, errlen);
	if (rc == UMWS_OK)
		rc = copy_options(c, opts);
	if (rc == UMWS_OK) {
		apply_defaults(&c->opts);
		rc = new_soap(c);
	}
	if (rc == UMWS_OK)
		rc = umws__transport_init(c);
	if (rc != UMWS_OK) {
		if (!errbuf || !errlen || !errbuf[0])
			bad(errbuf, errlen, rc, c->err.code ? c->err.message :
			    umws_strerror(rc));
		umws_client_free(c);
		return rc;
	}
	*out = c;
	return UMWS_OK;
}

UMWS_EXTERN int umws_client_new(umws_client **out, const umws_options *opts)
{
	return umws_client_new2(out, opts, NULL, 0);
}

UMWS_EXTERN void umws_client_free(umws_client *c)
{
	if (!c)
		return;
	umws__transport_free(c);
	if (c->soap) {
		soap_destroy(c->soap);
		soap_end(c->soap);
		soap_free(c->soap);
	}
	umws__clear_error(c);
	wipe(c->password);
	free(c->password);
	free(c->url);
	free(c->user);
	free(c->user_agent);
	free((char *)c->opts.ca_file);
	free((char *)c->opts.ca_path);
	free((char *)c->opts.pinned_pubkey);
	free((char *)c->opts.client_cert);
	free((char *)c->opts.client_key);
	free(c->last_call_id);
	free(c);
}

void umws__set_ops(umws_client *c, const struct umws_ops *ops)
{
	c->ops = ops ? ops : &umws__generated_ops;
}
