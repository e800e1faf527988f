/* wellformed.c - the limits a response must keep to (see xmlguard.c) */
#include "internal.h"
#include "xmlguard.h"

#include <libxml/parser.h>

/*
 * A SOAP element carries a handful of attributes and a response a
 * handful of namespace declarations; past these, gSOAP's cost would grow
 * with their square within the 8 MiB cap.
 */
static const struct xmlguard_limits response_limits = {
	.element_attributes = 64,
	.total_namespaces = 256,
};

/* *g is made on first use (a fresh parser per check if that fails). */
int umws__xml_check(struct xmlguard **g, const char *buf, size_t len,
		    char *why, size_t whylen)
{
	if (!*g)
		*g = umws__xmlguard_new();
	return umws__xmlguard_check(*g, buf, len, &response_limits, why,
				    whylen);
}

void umws__xml_init(void)
{
	xmlInitParser();
}

void umws__xml_cleanup(void)
{
	xmlCleanupParser();
}
