/* umws-server: the eleven operations of UM2007Legacy.asmx and the
 * faults they answer with, shaped as in the wire spec: faultcode
 * qualified in the errors namespace, detail/ExceptionType naming it. */
#include "server.h"
#include "soapH.h"
#include "UMServiceSoap.nsmap"

#include <string.h>

/* Shown by GetUMProperties: a fixed dial plan of two access numbers. */
#define ACCESS_NUMBERS "+14255550100, +14255550101"
#define INVALID_TEXT "The request is not valid."

struct fault_text {
	const char *type;
	const char *text;
};

/* Exchange's wording, so clients see what a real server would say. */
static const struct fault_text texts[] = {
	{ "InvalidCallIdException", "The call identifier is not valid." },
	{ "InvalidObjectIdException", "The item identifier is not valid." },
	{ "DialingRulesException",
	  "The dial plan does not allow this number." },
	{ "InvalidPhoneNumberException", "The phone number is not valid." },
	{ "InvalidSipUriException", "The SIP URI is not valid." },
	{ "UserNotUmEnabledException",
	  "The user is not enabled for Unified Messaging." },
	{ "CallInProgressException",
	  "Another call of this user is still active." },
	{ "TransportException", "The call could not be placed." },
};

static const char *text_of(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (!strcmp(texts[i].type, type))
			return texts[i].text;
	return "The operation failed.";
}

/* gSOAP writes "URI":name as prefix:name with the prefix declared. */
static char *qname(struct soap *soap, const char *ns, const char *local)
{
	size_t n = strlen(ns) + strlen(local) + 4;
	char *q = soap_malloc(soap, n);

	if (q)
		snprintf(q, n, "\"%s\":%s", ns, local);
	return q;
}

int ops_fault(struct soap *soap, const char *type, const char *text)
{
	struct SOAP_ENV__Detail *d = soap_new_SOAP_ENV__Detail(soap, -1);

	soap_fault(soap);
	if (!soap->fault || !d)
		return soap->error = SOAP_EOM;
	soap->fault->faultcode = qname(soap, SRV_NS_ERRORS, type);
	soap->fault->faultstring = soap_strdup(soap, text ? text :
					       text_of(type));
	d->ExceptionType = soap_strdup(soap, type);
	soap->fault->detail = d;
	conn_note(soap, NULL, type);
	conn_keep_after_fault(soap);
	return SOAP_FAULT;
}

static void set_invalid(struct soap *soap, const char **code,
			const char **text)
{
	struct SOAP_ENV__Detail *d = soap_new_SOAP_ENV__Detail(soap, -1);

	*code = qname(soap, SRV_NS_TYPES, "ErrorInvalidRequest");
	*text = INVALID_TEXT;
	if (d && soap->fault) {
		d->umerr__ResponseCode = "ErrorInvalidRequest";
		d->umerr__Message = INVALID_TEXT;
		soap->fault->detail = d;
	}
	conn_note(soap, NULL, "ErrorInvalidRequest");
}

/* gSOAP's fseterror hook: whatever it could not parse or dispatch is
 * answered the way Exchange answers an unparsable request. */
void ops_invalid_request(struct soap *soap, const char **code,
			 const char **text)
{
	if (*code || soap->error == SOAP_EOF)
		return;
	srv_debug("request refused, gsoap error %d", soap->error);
	set_invalid(soap, code, text);
}

/* For a request that parsed but makes no sense; the connection lives. */
static int invalid(struct soap *soap)
{
	soap_fault(soap);
	if (!soap->fault)
		return soap->error = SOAP_EOM;
	set_invalid(soap, (const char **)&soap->fault->faultcode,
		    (const char **)&soap->fault->faultstring);
	conn_keep_after_fault(soap);
	return SOAP_FAULT;
}

/* Common first steps: log name, a request element, an enabled user. */
static int begin(struct soap *soap, const char *op, const void *req,
		 const struct srv_user **user)
{
	conn_note(soap, op, "ok");
	*user = conn_user(soap);
	if (!req || !*user)
		return invalid(soap);
	if (users_disabled(*user))
		return ops_fault(soap, "UserNotUmEnabledException", NULL);
	return SOAP_OK;
}

static int place(struct soap *soap, const struct srv_user *u,
		 const char *dial, char **call_id)
{
	char id[CALLS_ID_MAX + 1];
	const char *fault = calls_place(u, dial, id, sizeof(id));

	if (fault)
		return ops_fault(soap, fault, NULL);
	*call_id = soap_strdup(soap, id);
	return *call_id ? SOAP_OK : SOAP_EOM;
}

int __um__PlayOnPhone(struct soap *soap, struct _um__PlayOnPhone *req,
		      struct _um__PlayOnPhoneResponse *res)
{
	const struct srv_user *u;
	int err = begin(soap, "PlayOnPhone", req, &u);

	if (err)
		return err;
	if (!req->entryId || !srv_b64_valid(req->entryId))
		return ops_fault(soap, "InvalidObjectIdException", NULL);
	return place(soap, u, req->DialString, &res->PlayOnPhoneResponse);
}

int __um__PlayOnPhoneGreeting(struct soap *soap,
			      struct _um__PlayOnPhoneGreeting *req,
			      struct _um__PlayOnPhoneGreetingResponse *res)
{
	const struct srv_user *u;
	int err = begin(soap, "PlayOnPhoneGreeting", req, &u);

	if (err)
		return err;
	if (!req->GreetingType || (strcmp(req->GreetingType, "NormalCustom")
				   && strcmp(req->GreetingType, "OofCustom")))
		return invalid(soap);
	return place(soap, u, req->DialString,
		     &res->PlayOnPhoneGreetingResponse);
}

int __um__GetCallInfo(struct soap *soap, struct _um__GetCallInfo *req,
		      struct _um__GetCallInfoResponse *res)
{
	const struct srv_user *u;
	const char *state = NULL, *cause = NULL, *fault;
	int err = begin(soap, "GetCallInfo", req, &u);

	if (err)
		return err;
	fault = calls_info(u, req->CallId, &state, &cause);
	if (fault)
		return ops_fault(soap, fault, NULL);
	res->GetCallInfoResponse = soap_new_um__UMCallInfo(soap, -1);
	if (!res->GetCallInfoResponse)
		return SOAP_EOM;
	res->GetCallInfoResponse->CallState = (char *)state;
	res->GetCallInfoResponse->EventCause = (char *)cause;
	return SOAP_OK;
}

int __um__Disconnect(struct soap *soap, struct _um__Disconnect *req,
		     struct _um__DisconnectResponse *res)
{
	const struct srv_user *u;
	const char *fault;
	int err = begin(soap, "Disconnect", req, &u);

	if (err)
		return err;
	fault = calls_disconnect(u, req->CallId);
	return fault ? ops_fault(soap, fault, NULL) : SOAP_OK;
}

/* The one call a disabled user may make: it is how clients find out. */
int __um__IsUMEnabled(struct soap *soap, struct _um__IsUMEnabled *req,
		      struct _um__IsUMEnabledResponse *res)
{
	const struct srv_user *u;

	conn_note(soap, "IsUMEnabled", "ok");
	u = conn_user(soap);
	if (!u)
		return invalid(soap);
	res->IsUMEnabledResponse = soap_new_xsd__boolean(soap, -1);
	if (!res->IsUMEnabledResponse)
		return SOAP_EOM;
	*res->IsUMEnabledResponse = users_disabled(u) ?
		xsd__boolean__false_ : xsd__boolean__true_;
	return SOAP_OK;
}

static enum xsd__boolean boolean(int on)
{
	return on ? xsd__boolean__true_ : xsd__boolean__false_;
}

int __um__GetUMProperties(struct soap *soap,
			  struct _um__GetUMProperties *req,
			  struct _um__GetUMPropertiesResponse *res)
{
	const struct srv_user *u;
	struct srv_props p;
	struct um__UMProperties *out;
	int err = begin(soap, "GetUMProperties", req, &u);

	if (err)
		return err;
	out = soap_new_um__UMProperties(soap, -1);
	if (!out)
		return SOAP_EOM;
	users_get_props(u, &p);
	out->OofStatus = boolean(p.oof);
	out->MissedCallNotificationEnabled =
		boolean(p.missed_call_notification);
	out->PlayOnPhoneDialString = soap_strdup(soap, p.dial_string);
	out->TelephoneAccessNumbers = ACCESS_NUMBERS;
	out->TelephoneAccessFolderEmail = soap_strdup(soap, p.folder_id);
	res->GetUMPropertiesResponse = out;
	return SOAP_OK;
}

int __um__SetOofStatus(struct soap *soap, struct _um__SetOofStatus *req,
		       struct _um__SetOofStatusResponse *res)
{
	const struct srv_user *u;
	int err = begin(soap, "SetOofStatus", req, &u);

	if (err)
		return err;
	users_set_oof(u, req->status == xsd__boolean__true_);
	return SOAP_OK;
}

/* An empty string clears the default; anything else must be dialable. */
int __um__SetPlayOnPhoneDialString(
	struct soap *soap, struct _um__SetPlayOnPhoneDialString *req,
	struct _um__SetPlayOnPhoneDialStringResponse *res)
{
	const struct srv_user *u;
	enum dial_verdict v;
	int err = begin(soap, "SetPlayOnPhoneDialString", req, &u);

	if (err)
		return err;
	if (req->dialString && *req->dialString) {
		v = calls_classify(req->dialString);
		if (v == DIAL_INVALID || v == DIAL_INVALID_SIP)
			return ops_fault(soap, v == DIAL_INVALID ?
					 "InvalidPhoneNumberException" :
					 "InvalidSipUriException", NULL);
	}
	users_set_dial_string(u, req->dialString ? req->dialString : "");
	return SOAP_OK;
}

int __um__SetTelephoneAccessFolderEmail(
	struct soap *soap, struct _um__SetTelephoneAccessFolderEmail *req,
	struct _um__SetTelephoneAccessFolderEmailResponse *res)
{
	const struct srv_user *u;
	const char *id;
	int err = begin(soap, "SetTelephoneAccessFolderEmail", req, &u);

	if (err)
		return err;
	id = req->base64FolderId ? req->base64FolderId : "";
	if (*id && (strlen(id) > 1420 || !srv_b64_valid(id)))
		return ops_fault(soap, "InvalidObjectIdException", NULL);
	users_set_folder(u, id);
	return SOAP_OK;
}

int __um__SetMissedCallNotificationEnabled(
	struct soap *soap, struct _um__SetMissedCallNotificationEnabled *req,
	struct _um__SetMissedCallNotificationEnabledResponse *res)
{
	const struct srv_user *u;
	int err = begin(soap, "SetMissedCallNotificationEnabled", req, &u);

	if (err)
		return err;
	users_set_missed(u, req->status == xsd__boolean__true_);
	return SOAP_OK;
}

/* Exchange mails the new PIN; this server has no mail to send. */
int __um__ResetPIN(struct soap *soap, struct _um__ResetPIN *req,
		   struct _um__ResetPINResponse *res)
{
	const struct srv_user *u;

	return begin(soap, "ResetPIN", req, &u);
}
