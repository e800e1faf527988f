/* umws-server: the limits a request body must keep to; src/xmlguard.c
 * checks them with libxml2 before gSOAP reads the body.
 *
 * gSOAP looks each attribute up in a list of every attribute name seen
 * in the message: its cost grows with the square of their number. A UM
 * request carries a handful, so more than this in a body is refused. */
#include "server.h"
#include "xmlguard.h"

/* attributes and namespace declarations in a whole request */
static const struct xmlguard_limits request_limits = {
	.total_attributes = 256,
};

/* g may be NULL: a fresh parser checks the body. */
int xml_check(struct xmlguard *g, const char *buf, size_t len, char *why,
	      size_t whylen)
{
	return umws__xmlguard_check(g, buf, len, &request_limits, why,
				    whylen);
}
