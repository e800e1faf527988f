/* wellformed.c - libxml2 vouches for a response before gSOAP reads it */
#include "internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

/*
 * gSOAP's reader is lenient where a conforming parser is not: it drops
 * an undefined entity, turns "&#0;" or "&#;" into a NUL that cuts a
 * string short, passes invalid UTF-8 and code points through, and skips
 * a DOCTYPE while dropping the entities it declares. Each of those would
 * silently change a value. libxml2's SAX parser, with no callbacks but
 * these, checks the whole body is well-formed XML first; SOAP 1.1 also
 * forbids a document type declaration, so any is refused.
 */

/*
 * gSOAP keeps an element's attributes and the namespaces in scope in
 * lists it searches for each new one: 20000 attributes on one element
 * cost it two seconds, and a body under the size cap could hold minutes.
 * A SOAP element carries a handful; more than this is refused.
 */
#define MAX_ATTRIBUTES 64
/* The same for namespace declarations across the document: 200000
 * elements declaring a prefix each keep gSOAP busy for minutes. */
#define MAX_NAMESPACES 256

struct check {
	char *why;
	size_t len;
	int dtd;
	int crowded;
	long namespaces;
};

static void on_dtd(void *data, const xmlChar *name, const xmlChar *ext,
		   const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st = ctxt->_private;

	st->dtd = 1;
	xmlStopParser(ctxt);
}

static void on_start(void *data, const xmlChar *name, const xmlChar *prefix,
		     const xmlChar *uri, int nb_namespaces,
		     const xmlChar **namespaces, int nb_attributes,
		     int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st = ctxt->_private;

	st->namespaces += nb_namespaces;
	if (nb_namespaces + nb_attributes > MAX_ATTRIBUTES)
		snprintf(st->why, st->len, "an element has more than %d "
			 "attributes", MAX_ATTRIBUTES);
	else if (st->namespaces > MAX_NAMESPACES)
		snprintf(st->why, st->len, "more than %d namespace "
			 "declarations", MAX_NAMESPACES);
	else
		return;
	st->crowded = 1;
	xmlStopParser(ctxt);
}

static void on_error(void *data, xmlErrorPtr err)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st = ctxt ? ctxt->_private : NULL;

	if (!st || !err || err->level < XML_ERR_FATAL || st->why[0])
		return;
	snprintf(st->why, st->len, "%s (line %d)",
		 err->message ? err->message : "not well-formed", err->line);
	umws__tidy_message(st->why);
}

/* Errors libxml2 raises outside a parser context (a failed encoding
 * conversion) go to its thread's generic handler, which prints to
 * stderr by default; the library never prints. */
static void quiet(void *data, const char *fmt, ...)
{
}

static void on_global_error(void *data, xmlErrorPtr err)
{
	struct check *st = data;

	if (st && err && err->level >= XML_ERR_ERROR && !st->why[0]) {
		snprintf(st->why, st->len, "%s",
			 err->message ? err->message : "encoding error");
		umws__tidy_message(st->why);
	}
}

/* gSOAP reads the bytes as UTF-8 whatever the XML declaration says, so
 * a body in another encoding would reach the caller garbled. */
static int utf8_only(xmlParserCtxtPtr ctxt, struct check *st)
{
	const char *enc = (const char *)ctxt->encoding;

	if (!enc && ctxt->input)
		enc = (const char *)ctxt->input->encoding;
	if (!enc || strcasecmp(enc, "utf-8") == 0 ||
	    strcasecmp(enc, "us-ascii") == 0)
		return 1;
	snprintf(st->why, st->len, "the body is in %.40s, not utf-8", enc);
	return 0;
}

static int parse(const char *buf, size_t len, struct check *st)
{
	xmlSAXHandler sax, *oldsax;
	xmlParserCtxtPtr ctxt;
	int ok;

	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.internalSubset = on_dtd;
	sax.startElementNs = on_start;
	sax.serror = on_error;
	/* The pull parser, unlike the push one, enforces libxml2's nesting
	 * limit (256), so a hostile depth is refused here too. */
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
	ok = ctxt->wellFormed && !st->dtd && !st->crowded &&
	     utf8_only(ctxt, st);
	ctxt->sax = oldsax;
	xmlFreeParserCtxt(ctxt);
	return ok;
}

int umws__xml_check(const char *buf, size_t len, char *why, size_t whylen)
{
	struct check st = { why, whylen, 0, 0, 0 };
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_generic_data = xmlGenericErrorContext;
	xmlStructuredErrorFunc old_structured = xmlStructuredError;
	void *old_structured_data = xmlStructuredErrorContext;
	int ok;

	why[0] = '\0';
	if (len > INT_MAX) {
		snprintf(why, whylen, "too large to check");
		return -1;
	}
	/* The handlers are per thread; the caller's own are put back. */
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(&st, on_global_error);
	ok = parse(buf, len, &st);
	xmlSetStructuredErrorFunc(old_structured_data, old_structured);
	xmlSetGenericErrorFunc(old_generic_data, old_generic);
	if (st.dtd)
		snprintf(why, whylen, "a document type declaration, which "
			 "soap forbids");
	else if (!ok && !why[0])
		snprintf(why, whylen, "not well-formed xml");
	return ok ? 0 : -1;
}

void umws__xml_init(void)
{
	xmlInitParser();
}

void umws__xml_cleanup(void)
{
	xmlCleanupParser();
}
