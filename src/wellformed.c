/* wellformed.c - libxml2 vouches for a response before gSOAP reads it */
#include "internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

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

struct check {
	char *why;
	size_t len;
	int dtd;
};

static void on_dtd(void *data, const xmlChar *name, const xmlChar *ext,
		   const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = data;
	struct check *st = ctxt->_private;

	st->dtd = 1;
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

int umws__xml_check(const char *buf, size_t len, char *why, size_t whylen)
{
	xmlSAXHandler sax, *oldsax;
	xmlParserCtxtPtr ctxt;
	struct check st = { why, whylen, 0 };
	int ok;

	why[0] = '\0';
	if (len > INT_MAX) {
		snprintf(why, whylen, "too large to check");
		return -1;
	}
	memset(&sax, 0, sizeof(sax));
	sax.initialized = XML_SAX2_MAGIC;
	sax.internalSubset = on_dtd;
	sax.serror = on_error;
	/* The pull parser, unlike the push one, enforces libxml2's nesting
	 * limit (256), so a hostile depth is refused here too. */
	ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
	if (!ctxt) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	oldsax = ctxt->sax;
	ctxt->sax = &sax;
	ctxt->userData = ctxt;
	ctxt->_private = &st;
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET);
	xmlParseDocument(ctxt);
	ok = ctxt->wellFormed && !st.dtd;
	ctxt->sax = oldsax;
	xmlFreeParserCtxt(ctxt);
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
