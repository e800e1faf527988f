/* xmlguard.c - libxml2 vouches for a SOAP body before gSOAP reads it */
#include "xmlguard.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

/*
 * gSOAP's reader is lenient where a conforming parser is not: it drops
 * an undefined entity, turns "&#0;" or "&#;" into a NUL that cuts a
 * string short, passes invalid UTF-8 and code points through, and skips
 * a DOCTYPE while dropping the entities it declares. Each would silently
 * change a value. libxml2's SAX parser, with no callbacks but these,
 * checks the whole body first; SOAP 1.1 forbids a document type
 * declaration, so any is refused.
 *
 * gSOAP also searches an element's attributes and the namespaces in
 * scope in lists, once per new one: 20000 attributes on one element cost
 * it seconds, 200000 prefixed siblings minutes. libxml2 counts them
 * here, in linear time, against the caller's limits.
 */

struct check {
	char *why;
	size_t len;
	const struct xmlguard_limits *lim;
	long attributes;
	long namespaces;
	int depth;
	int failed;		/* the verdict, whatever why can hold */
};

/* libxml2's own nesting limit, which its push parser does not apply. */
#define MAX_DEPTH 256

/* What a kept parser may have read and interned before it is replaced,
 * so that a stream of bodies with ever new names cannot grow its
 * dictionary without end: a few hundred small responses. */
#define MAX_KEPT_BYTES (64 * 1024)
#define MAX_DICT_NAMES 2048

/*
 * A polling client is sent the same answer again and again while a call
 * keeps its state. The verdict on the same bytes under the same limits
 * cannot change, so a kept guard remembers the last body that passed,
 * if small, and passes a byte-identical one after comparing it.
 */
#define MAX_REMEMBERED 4096

struct xmlguard {
	xmlParserCtxtPtr ctxt;	/* NULL until the first check */
	size_t parsed;		/* bytes ctxt has read */
	char *passed;		/* the last body that passed, or NULL */
	size_t passed_len, passed_cap;
	struct xmlguard_limits passed_lim;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* libxml2's messages start with a capital and end with a newline. */
static void say(struct check *st, const char *text)
{
	size_t n;

	if (st->failed)
		return;
	st->failed = 1;
	if (!st->len)
		return;
	snprintf(st->why, st->len, "%s", text);
	for (char *p = st->why; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	n = strlen(st->why);
	while (n && st->why[n - 1] == ' ')
		st->why[--n] = '\0';
	if (st->why[0] && islower((unsigned char)st->why[1]))
		st->why[0] = (char)tolower((unsigned char)st->why[0]);
}

static void stop(xmlParserCtxtPtr ctxt, const char *why)
{
	say(ctxt->_private, why);
	xmlStopParser(ctxt);
}

static void on_dtd(void *data, const xmlChar *name, const xmlChar *ext,
		   const xmlChar *sys)
{
	stop(data, "a document type declaration, which soap forbids");
}

static int over(long limit, long n)
{
	return limit > 0 && n > limit;
}

static void on_element(void *data, const xmlChar *local,
		       const xmlChar *prefix, const xmlChar *uri, int nns,
		       const xmlChar **ns, int nattrs, int ndefaulted,
		       const xmlChar **attrs)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st = ctxt->_private;
	const struct xmlguard_limits *lim = st->lim;
	char text[96];

	st->attributes += nns + nattrs;
	st->namespaces += nns;
	if (++st->depth > MAX_DEPTH)
		snprintf(text, sizeof(text), "excessive depth: more than %d "
			 "nested elements", MAX_DEPTH);
	else if (over(lim->element_attributes, nns + nattrs))
		snprintf(text, sizeof(text), "an element has more than %ld "
			 "attributes", lim->element_attributes);
	else if (over(lim->total_attributes, st->attributes))
		snprintf(text, sizeof(text), "more than %ld attributes",
			 lim->total_attributes);
	else if (over(lim->total_namespaces, st->namespaces))
		snprintf(text, sizeof(text), "more than %ld namespace "
			 "declarations", lim->total_namespaces);
	else
		return;
	stop(ctxt, text);
}

static void on_element_end(void *data, const xmlChar *local,
			   const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st = ctxt->_private;

	st->depth--;
}

/* Only the first error is kept: later ones follow from it. Namespace
 * errors (an undeclared prefix) are not fatal to libxml2, but gSOAP
 * would read such a body with names it cannot resolve. */
static void on_error(void *data, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st;
	const char *msg;
	char text[256];
	int n;

	if (!ctxt || !ctxt->_private || !err)
		return;
	if (err->level < XML_ERR_FATAL &&
	    (err->domain != XML_FROM_NAMESPACE || err->level < XML_ERR_ERROR))
		return;
	st = ctxt->_private;
	msg = err->message ? err->message : "not well-formed";
	n = (int)strcspn(msg, "\n");
	/* At the end of its last chunk the push parser calls whatever is
	 * left open "extra content at the end"; a body cut short is what
	 * it means. */
	if (err->code == XML_ERR_DOCUMENT_END && st->depth > 0 && ctxt->name)
		snprintf(text, sizeof(text), "premature end of data in tag "
			 "%.100s (line %d)", (const char *)ctxt->name,
			 err->line);
	else
		snprintf(text, sizeof(text), "%.*s (line %d)", n, msg,
			 err->line);
	say(st, text);
}

/* Errors libxml2 raises outside a parser (a failed encoding conversion)
 * go to its thread's generic handler, which prints to stderr. */
static void quiet(void *data, const char *fmt, ...)
{
}

static void on_global_error(void *data, xmlErrorPtr err)
{
	if (err && err->level >= XML_ERR_ERROR)
		say(data, err->message ? err->message : "an encoding error");
}

/* gSOAP reads the bytes as UTF-8 whatever the XML declaration says, so
 * a body in another encoding would arrive garbled. */
static int utf8_only(xmlParserCtxtPtr ctxt, struct check *st)
{
	const char *enc = (const char *)ctxt->encoding;
	char text[80];

	if (!enc && ctxt->input)
		enc = (const char *)ctxt->input->encoding;
	/* A byte order mark of UTF-16 sets a converter and names nothing */
	if (!enc && ctxt->input && ctxt->input->buf &&
	    ctxt->input->buf->encoder)
		enc = ctxt->input->buf->encoder->name;
	if (!enc || !strcasecmp(enc, "utf-8") || !strcasecmp(enc, "utf8") ||
	    !strcasecmp(enc, "us-ascii"))
		return 1;
	snprintf(text, sizeof(text), "the body is in %.40s, not utf-8", enc);
	say(st, text);
	return 0;
}

/*
 * The push parser, given the whole body as its one and last chunk,
 * parses it as the pull parser would; unlike that one it can be reset
 * and used again, which keeps its buffers and dictionary and halves the
 * cost of checking a small response. A parser is kept only after a body
 * that passed: one stopped halfway may hold state that a reset leaves.
 */
static xmlParserCtxtPtr new_parser(void)
{
	xmlSAXHandler sax;
	xmlParserCtxtPtr ctxt;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.internalSubset = on_dtd;
	sax.startElementNs = on_element;
	sax.endElementNs = on_element_end;
	sax.serror = on_error;
	/* The handler is copied; userData becomes ctxt itself. */
	ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
	if (ctxt)
		xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
	return ctxt;
}

static int parse(struct xmlguard *g, const char *buf, size_t len,
		 struct check *st)
{
	xmlParserCtxtPtr ctxt = g->ctxt;
	int ok;

	if (ctxt && xmlCtxtResetPush(ctxt, NULL, 0, NULL, NULL) != 0) {
		xmlFreeParserCtxt(ctxt);
		ctxt = NULL;
	}
	/* As a new push parser given no bytes yet: the encoding is found
	 * from the body's first bytes (a byte order mark, UTF-16), where
	 * a reset would assume UTF-8. */
	if (ctxt)
		ctxt->charset = XML_CHAR_ENCODING_NONE;
	g->ctxt = NULL;
	if (!ctxt) {
		ctxt = new_parser();
		g->parsed = 0;
	}
	if (!ctxt) {
		say(st, "out of memory");
		return 0;
	}
	ctxt->_private = st;
	xmlParseChunk(ctxt, buf, (int)len, 1);
	ok = ctxt->wellFormed && ctxt->nsWellFormed && !st->failed &&
	     utf8_only(ctxt, st);
	ctxt->_private = NULL;
	g->parsed += len;
	if (ok && g->parsed <= MAX_KEPT_BYTES &&
	    xmlDictSize(ctxt->dict) <= MAX_DICT_NAMES) {
		xmlCtxtReset(ctxt);	/* lets go of its copy of the body */
		g->ctxt = ctxt;
	} else {
		xmlFreeParserCtxt(ctxt);
	}
	return ok;
}

static int seen_before(const struct xmlguard *g, const char *buf,
		       size_t len, const struct xmlguard_limits *lim)
{
	return g->passed && g->passed_len == len &&
	       !memcmp(&g->passed_lim, lim, sizeof(*lim)) &&
	       !memcmp(g->passed, buf, len);
}

/* Keeps buf as the last body that passed; NULL forgets it. */
static void remember(struct xmlguard *g, const char *buf, size_t len,
		     const struct xmlguard_limits *lim)
{
	char *p;

	if (buf && len <= MAX_REMEMBERED && len > g->passed_cap) {
		p = realloc(g->passed, len);
		if (p) {
			g->passed = p;
			g->passed_cap = len;
		}
	}
	if (!buf || len > g->passed_cap) {
		g->passed_len = 0;
		return;
	}
	memcpy(g->passed, buf, len);
	g->passed_len = len;
	g->passed_lim = *lim;
}

struct xmlguard *umws__xmlguard_new(void)
{
	return calloc(1, sizeof(struct xmlguard));
}

void umws__xmlguard_free(struct xmlguard *g)
{
	if (!g)
		return;
	if (g->ctxt)
		xmlFreeParserCtxt(g->ctxt);
	free(g->passed);
	free(g);
}

int umws__xmlguard_check(struct xmlguard *g, const char *buf, size_t len,
			 const struct xmlguard_limits *lim, char *why,
			 size_t whylen)
{
	struct check st = { why, whylen, lim, 0, 0, 0, 0 };
	struct xmlguard once = { 0 };
	xmlGenericErrorFunc old_generic;
	void *old_generic_data;
	xmlStructuredErrorFunc old_structured;
	void *old_structured_data;
	int ok;

	if (whylen)
		why[0] = '\0';
	if (len == 0 || len > INT_MAX) {
		say(&st, len ? "too large to check" : "an empty body");
		return -1;
	}
	if (g && seen_before(g, buf, len, lim))
		return 0;
	pthread_once(&init_once, xmlInitParser);
	old_generic = xmlGenericError;
	old_generic_data = xmlGenericErrorContext;
	old_structured = xmlStructuredError;
	old_structured_data = xmlStructuredErrorContext;
	/* The handlers are per thread; the caller's own are put back. */
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(&st, on_global_error);
	ok = parse(g ? g : &once, buf, len, &st);
	if (g)
		remember(g, ok ? buf : NULL, len, lim);
	if (once.ctxt)
		xmlFreeParserCtxt(once.ctxt);
	xmlSetStructuredErrorFunc(old_structured_data, old_structured);
	xmlSetGenericErrorFunc(old_generic_data, old_generic);
	if (!ok && !st.failed)
		say(&st, "not well-formed xml");
	return ok ? 0 : -1;
}
