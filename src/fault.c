/* fault.c - turns a failed gSOAP call into a layered umws error */
#include "internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *type;
	umws_fault_kind kind;
	const char *name;
} fault_table[] = {
	{ NULL, UMWS_FAULT_NONE, "none" },
	{ "InvalidCallIdException", UMWS_FAULT_INVALID_CALL_ID,
	  "invalid call id" },
	{ "InvalidObjectIdException", UMWS_FAULT_INVALID_OBJECT_ID,
	  "invalid object id" },
	{ "DialingRulesException", UMWS_FAULT_DIALING_RULES,
	  "dialing rules" },
	{ "InvalidPhoneNumberException", UMWS_FAULT_INVALID_PHONE_NUMBER,
	  "invalid phone number" },
	{ "InvalidSipUriException", UMWS_FAULT_INVALID_SIP_URI,
	  "invalid sip uri" },
	{ "IPGatewayNotFoundException", UMWS_FAULT_IP_GATEWAY_NOT_FOUND,
	  "ip gateway not found" },
	{ "UMServerNotFoundException", UMWS_FAULT_UM_SERVER_NOT_FOUND,
	  "um server not found" },
	{ "TransportException", UMWS_FAULT_TRANSPORT,
	  "telephony transport" },
	{ "UserNotUmEnabledException", UMWS_FAULT_USER_NOT_UM_ENABLED,
	  "user not um-enabled" },
	{ "InvalidPrincipalException", UMWS_FAULT_INVALID_PRINCIPAL,
	  "invalid principal" },
	{ "ErrorInvalidRequest", UMWS_FAULT_INVALID_REQUEST,
	  "invalid request" },
	{ NULL, UMWS_FAULT_OTHER, "other" },
	{ "InvalidADRecipientException", UMWS_FAULT_INVALID_AD_RECIPIENT,
	  "invalid ad recipient" },
};

#define FAULT_COUNT (sizeof(fault_table) / sizeof(*fault_table))

UMWS_EXTERN const char *umws_fault_kind_name(umws_fault_kind kind)
{
	for (size_t i = 0; i < FAULT_COUNT; i++)
		if (fault_table[i].kind == kind)
			return fault_table[i].name;
	return "unknown";
}

umws_fault_kind umws__fault_kind_of(const char *type)
{
	if (!type || !*type)
		return UMWS_FAULT_OTHER;
	for (size_t i = 0; i < FAULT_COUNT; i++)
		if (fault_table[i].type &&
		    strcmp(type, fault_table[i].type) == 0)
			return fault_table[i].kind;
	return UMWS_FAULT_OTHER;
}

/* The local part of a QName in any of the forms gSOAP hands over:
 * "a:Name", "\"uri\":Name" or "Name". */
const char *umws__local_name(const char *qname)
{
	const char *colon;

	if (!qname)
		return NULL;
	colon = strrchr(qname, ':');
	return colon ? colon + 1 : qname;
}

/* Copies a server value without its prefix and surrounding blanks. */
static char *clean_name(const char *text)
{
	const char *s = umws__local_name(text);
	size_t len;

	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return len ? strndup(s, len) : NULL;
}

static const char *detail_type(const struct SOAP_ENV__Detail *d)
{
	if (!d)
		return NULL;
	if (d->ExceptionType && *d->ExceptionType)
		return d->ExceptionType;
	if (d->um__ExceptionType && *d->um__ExceptionType)
		return d->um__ExceptionType;
	return d->umerr__ResponseCode;
}

static int is_generic_code(const char *name)
{
	return !name || strcmp(name, "Client") == 0 ||
	       strcmp(name, "Server") == 0 ||
	       strcmp(name, "Sender") == 0 || strcmp(name, "Receiver") == 0;
}

/* SOAP 1.1 puts code, string and detail in plain children; a server that
 * answers in SOAP 1.2 shape uses Code/Reason/Detail instead. */
static void fault_parts(const struct SOAP_ENV__Fault *f, const char **code,
			const char **text,
			const struct SOAP_ENV__Detail **detail)
{
	*code = f->faultcode;
	*text = f->faultstring;
	*detail = f->detail;
	if (!*code && f->SOAP_ENV__Code)
		*code = f->SOAP_ENV__Code->SOAP_ENV__Value;
	if (!*text && f->SOAP_ENV__Reason)
		*text = f->SOAP_ENV__Reason->SOAP_ENV__Text;
	if (!*detail)
		*detail = f->SOAP_ENV__Detail;
}

static int record_fault(umws_client *c, const char *op)
{
	const struct SOAP_ENV__Fault *f = c->soap->fault;
	const struct SOAP_ENV__Detail *d;
	const char *code, *text, *type;
	char *fcode, *ftype;

	if (!f)
		return umws__fail(c, UMWS_EPROTO, "%s: fault without content",
				  op);
	fault_parts(f, &code, &text, &d);
	fcode = clean_name(code);
	type = detail_type(d);
	ftype = type ? clean_name(type) : NULL;
	if (!ftype && !is_generic_code(fcode))
		ftype = umws__strdup(fcode);
	umws__fail(c, UMWS_EFAULT, "%s: server fault %s: %s", op,
		   ftype ? ftype : (fcode ? fcode : "(no code)"),
		   text ? text : "(no message)");
	c->err_buf[1] = fcode;
	c->err_buf[2] = umws__strdup(text);
	c->err_buf[3] = ftype;
	c->err.fault_code = fcode;
	c->err.fault_string = c->err_buf[2];
	c->err.exception_type = ftype;
	c->err.fault_kind = umws__fault_kind_of(ftype);
	return UMWS_EFAULT;
}

int umws__classify(umws_client *c, const char *op)
{
	struct soap *soap = c->soap;
	char why[256];

	if (c->err.code != UMWS_OK)
		return c->err.code;
	if (soap->error == SOAP_FAULT)
		return record_fault(c, op);
	if (soap->error == SOAP_EOM)
		return umws__fail(c, UMWS_ENOMEM, "out of memory");
	if (c->tp.status == 500)
		return umws__fail(c, UMWS_EHTTP, "http 500 without a soap "
				  "fault");
	if (c->tp.resp_len == 0)
		return umws__fail(c, UMWS_EPROTO, "%s: empty response", op);
	snprintf(why, sizeof(why), "%s", *soap_faultstring(soap) ?
		 *soap_faultstring(soap) : "not a soap envelope");
	umws__tidy_message(why);
	return umws__fail(c, UMWS_EPROTO, "%s: malformed response: %s", op,
			  why);
}
