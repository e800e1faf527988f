/* umws-server: libxml2 vouches for a request body before gSOAP reads it.
 *
 * gSOAP's reader is lenient where a conforming parser is not: "&#0;"
 * becomes a NUL that cuts a string short, an undefined entity is
 * dropped, invalid UTF-8 passes, a DOCTYPE is skipped with the entities
 * it declares. Each would silently change a value, so libxml2's SAX
 * parser, with no callbacks but these, checks the whole body first; a
 * document type declaration, which SOAP 1.1 forbids, is refused too.
 *
 * gSOAP also looks each attribute up in a list of every attribute name
 * seen in the message, and each prefix in a stack of declarations: its
 * cost grows with the square of their number. A UM request carries a
 * handful, so more than ATTRS_MAX in a body is refused here, before
 * gSOAP sees it. */
#include "server.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#define ATTRS_MAX 256	/* attributes and namespace declarations */

struct check {
	char *why;
	size_t len;
	int dtd;
	unsigned long attrs;
};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void stop(xmlParserCtxtPtr ctxt, struct check *st, const char *why)
{
	if (!st->why[0])
		snprintf(st->why, st->len, "%s", why);
	xmlStopParser(ctxt);
}

static void on_dtd(void *data, const xmlChar *name, const xmlChar *ext,
		   const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st = ctxt->_private;

	st->dtd = 1;
	stop(ctxt, st, "a document type declaration, which soap forbids");
}

static void on_element(void *data, const xmlChar *local,
		       const xmlChar *prefix, const xmlChar *uri, int nns,
		       const xmlChar **ns, int nattrs, int ndefaulted,
		       const xmlChar **attrs)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st = ctxt->_private;

	st->attrs += (unsigned long)nns + (unsigned long)nattrs;
	if (st->attrs > ATTRS_MAX)
		stop(ctxt, st, "more attributes than a request carries");
}

/* Only the first fatal error is kept: later ones follow from it. */
static void on_error(void *data, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st = ctxt ? ctxt->_private : NULL;
	size_t n;

	if (!st || !err || err->level < XML_ERR_FATAL || st->why[0])
		return;
	snprintf(st->why, st->len, "%s",
		 err->message ? err->message : "not well-formed");
	n = strlen(st->why);
	while (n > 0 && st->why[n - 1] == '\n')
		st->why[--n] = '\0';
}

/* libxml2 reports some errors (a failed encoding conversion) outside
 * any parser, through its thread's generic handler, which would print
 * them on stderr; the server's log has its own lines. */
static void quiet(void *data, const char *fmt, ...)
{
}

static void on_global_error(void *data, xmlErrorPtr err)
{
	struct check *st = data;

	if (st && err && err->level >= XML_ERR_ERROR && !st->why[0])
		snprintf(st->why, st->len, "an encoding error");
}

/* gSOAP reads the bytes as UTF-8 whatever the XML declaration says, so
 * a body in another encoding would reach the operations garbled. */
static int utf8_only(xmlParserCtxtPtr ctxt, struct check *st)
{
	const char *enc = (const char *)ctxt->encoding;

	if (!enc && ctxt->input)
		enc = (const char *)ctxt->input->encoding;
	if (!enc || !strcasecmp(enc, "utf-8") || !strcasecmp(enc, "us-ascii"))
		return 1;
	snprintf(st->why, st->len, "the body is in %.40s, not utf-8", enc);
	return 0;
}

/* The pull parser, unlike the push one, enforces libxml2's nesting
 * limit (256), so a hostile depth is refused here too. */
static int parse(const char *buf, size_t len, struct check *st)
{
	xmlSAXHandler sax, *oldsax;
	xmlParserCtxtPtr ctxt;
	int ok;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.internalSubset = on_dtd;
	sax.startElementNs = on_element;
	sax.serror = on_error;
	ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
	if (!ctxt) {
		snprintf(st->why, st->len, "out of memory");
		return 0;
	}
	oldsax = ctxt->sax;
	ctxt->sax = &sax;
	ctxt->userData = ctxt;
	ctxt->_private = st;
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
	xmlParseDocument(ctxt);
	ok = ctxt->wellFormed && !st->why[0] && utf8_only(ctxt, st);
	ctxt->sax = oldsax;
	xmlFreeParserCtxt(ctxt);
	return ok;
}

/* 0 when buf is a well-formed UTF-8 XML document without a DOCTYPE and
 * with few attributes; else -1 and a reason in why. */
int xml_check(const char *buf, size_t len, char *why, size_t whylen)
{
	struct check st = { why, whylen, 0, 0 };
	xmlGenericErrorFunc old_generic;
	void *old_generic_data;
	xmlStructuredErrorFunc old_structured;
	void *old_structured_data;
	int ok;

	why[0] = '\0';
	if (len == 0 || len > INT_MAX) {
		snprintf(why, whylen, len ? "too large" : "an empty body");
		return -1;
	}
	pthread_once(&init_once, xmlInitParser);
	old_generic = xmlGenericError;
	old_generic_data = xmlGenericErrorContext;
	old_structured = xmlStructuredError;
	old_structured_data = xmlStructuredErrorContext;
	/* The handlers are per thread; the previous ones are put back. */
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(&st, on_global_error);
	ok = parse(buf, len, &st);
	xmlSetStructuredErrorFunc(old_structured_data, old_structured);
	xmlSetGenericErrorFunc(old_generic_data, old_generic);
	if (!ok && !why[0])
		snprintf(why, whylen, "not well-formed xml");
	return ok ? 0 : -1;
}
