/* xmlguard.h - libxml2 vouches for a SOAP body before gSOAP reads it;
 * shared by the library (responses) and umws-server (requests) */
#ifndef UMWS_XMLGUARD_H
#define UMWS_XMLGUARD_H

#include <stddef.h>

/* What a body may hold; 0 means no limit. Namespace declarations count
 * as attributes of their element. */
struct xmlguard_limits {
	long element_attributes;	/* on any one element */
	long total_attributes;		/* in the whole body */
	long total_namespaces;		/* declarations in the whole body */
};

/* A checker that keeps its libxml2 parser between bodies; one thread at
 * a time. umws__xmlguard_new returns NULL when out of memory. */
struct xmlguard;
struct xmlguard *umws__xmlguard_new(void);
void umws__xmlguard_free(struct xmlguard *g);

/*
 * With g, its parser is used and kept, and a body byte-identical to the
 * last one that passed (if at most 4 KiB, under the same limits) passes
 * without being parsed again; with NULL, a fresh parser is made and
 * freed.
 * 0 when buf is well-formed XML in UTF-8, without a document type
 * declaration, no deeper than 256 levels and within lim; else -1 with a
 * one-line lower-case reason in why (whylen 0: none). Thread-safe;
 * never prints.
 */
int umws__xmlguard_check(struct xmlguard *g, const char *buf, size_t len,
			 const struct xmlguard_limits *lim, char *why,
			 size_t whylen);

#endif
