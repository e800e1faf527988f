/* ops.c - the eleven operations of the UM web service */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define GET_CALL_INFO_ACTION "http://schemas.microsoft.com/exchange/" \
	"services/2006/messages/GetCallInfo"

const struct umws_ops umws__generated_ops = {
	soap_call___um__PlayOnPhone,
	soap_call___um__PlayOnPhoneGreeting,
	soap_call___um__GetCallInfo,
	soap_call___um__Disconnect,
	soap_call___um__IsUMEnabled,
	soap_call___um__GetUMProperties,
	soap_call___um__SetOofStatus,
	soap_call___um__SetPlayOnPhoneDialString,
	soap_call___um__SetTelephoneAccessFolderEmail,
	soap_call___um__SetMissedCallNotificationEnabled,
	soap_call___um__ResetPIN,
};

/* Operations that change nothing may be sent twice; the others never
 * are, whatever the transport does (PlayOnPhone would ring twice). */
enum { ONCE = 0, READ_ONLY = 1 };

static int begin(umws_client *c, int resend_ok)
{
	if (!c)
		return UMWS_EINVAL;
	umws__clear_error(c);
	umws__transport_begin(c, resend_ok);
	return UMWS_OK;
}

/*
 * Frees what the call deserialised. soap_end() would also clear gSOAP's
 * id and pointer tables, which the next call clears again when it
 * begins: done here too it was a sixth of the client's work per call.
 */
static void release(umws_client *c)
{
	soap_destroy(c->soap);
	soap_dealloc(c->soap, NULL);
}

/* After a failed read-only call on a kept-alive connection that died,
 * clears the failure so the call can go once more. */
static int again(umws_client *c, int soap_rc)
{
	if (soap_rc == SOAP_OK || !umws__transport_retry_ok(c))
		return 0;
	umws__log(c, UMWS_LOG_INFO, "kept-alive connection was closed; "
		  "sending the read-only request once more");
	release(c);
	umws__clear_error(c);
	umws__transport_begin(c, READ_ONLY);
	return 1;
}

static int done(umws_client *c, int soap_rc, const char *op)
{
	if (soap_rc == SOAP_OK) {
		umws__log(c, UMWS_LOG_INFO, "%s: ok", op);
		return UMWS_OK;
	}
	return umws__classify(c, op);
}

/* Copies a server string, without surrounding whitespace. */
static char *dup_trimmed(const char *s)
{
	size_t len;

	if (!s)
		return strdup("");
	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	return strndup(s, len);
}

/* ---- placing calls ----------------------------------------------- */

static int take_call_id(umws_client *c, char **out, const char *id,
			const char *op)
{
	char *copy = dup_trimmed(id);

	if (!copy)
		return umws__fail(c, UMWS_ENOMEM, "out of memory");
	if (!*copy) {
		free(copy);
		return umws__fail(c, UMWS_EPROTO, "%s: the server returned "
				  "no CallId", op);
	}
	if (umws__remember_call(c, copy)) {
		free(copy);
		return umws__fail(c, UMWS_ENOMEM, "out of memory");
	}
	*out = copy;
	return UMWS_OK;
}

static int check_place(char **call_id, umws_client *c, const char *a,
		       const char *what_a, const char *dial)
{
	int rc;

	if (!call_id || !c)
		return UMWS_EINVAL;
	*call_id = NULL;
	begin(c, ONCE);
	rc = umws__check_text(c, what_a, a, UMWS_ARG_MAX);
	if (rc == UMWS_OK)
		rc = umws__check_text(c, "dial string", dial, UMWS_ARG_MAX);
	if (rc == UMWS_OK)
		rc = umws__guard_check(c);
	if (rc == UMWS_OK)
		begin(c, ONCE);
	return rc;
}

UMWS_EXTERN int umws_play_on_phone(char **call_id, umws_client *c,
				   const char *entry_id,
				   const char *dial_string)
{
	struct _um__PlayOnPhone req = { (char *)entry_id,
					(char *)dial_string };
	struct _um__PlayOnPhoneResponse resp = { NULL };
	int rc;

	rc = check_place(call_id, c, entry_id, "entry id", dial_string);
	if (rc)
		return rc;
	rc = c->ops->play_on_phone(c->soap, c->url, NULL, &req, &resp);
	rc = done(c, rc, "PlayOnPhone");
	if (rc == UMWS_OK)
		rc = take_call_id(c, call_id, resp.PlayOnPhoneResponse,
				  "PlayOnPhone");
	release(c);
	return rc;
}

UMWS_EXTERN int umws_play_greeting(char **call_id, umws_client *c,
				   umws_greeting type,
				   const char *dial_string)
{
	struct _um__PlayOnPhoneGreeting req = { NULL, (char *)dial_string };
	struct _um__PlayOnPhoneGreetingResponse resp = { NULL };
	const char *name;
	int rc;

	name = type == UMWS_GREETING_NORMAL ? "NormalCustom" :
	       type == UMWS_GREETING_OOF ? "OofCustom" : NULL;
	rc = check_place(call_id, c, name ? name : "", "greeting type",
			 dial_string);
	if (rc)
		return rc;
	req.GreetingType = (char *)name;
	rc = c->ops->play_greeting(c->soap, c->url, NULL, &req, &resp);
	rc = done(c, rc, "PlayOnPhoneGreeting");
	if (rc == UMWS_OK)
		rc = take_call_id(c, call_id,
				  resp.PlayOnPhoneGreetingResponse,
				  "PlayOnPhoneGreeting");
	release(c);
	return rc;
}

/* ---- following a call -------------------------------------------- */

static umws_call_state state_from_text(const char *text)
{
	for (int i = UMWS_STATE_IDLE; i <= UMWS_STATE_FORWARDING; i++)
		if (strcmp(text, umws_call_state_name(i)) == 0)
			return (umws_call_state)i;
	return UMWS_STATE_UNKNOWN;
}

static int take_call_info(umws_client *c, umws_call_info *out,
			  const struct um__UMCallInfo *info)
{
	if (!info || !info->CallState)
		return umws__fail(c, UMWS_EPROTO, "GetCallInfo: the response "
				  "has no call state");
	if (umws__trim_copy(out->state_text, sizeof(out->state_text),
			    info->CallState) ||
	    umws__trim_copy(out->cause_text, sizeof(out->cause_text),
			    info->EventCause))
		return umws__fail(c, UMWS_EPROTO, "GetCallInfo: a state or "
				  "cause is longer than %d bytes",
				  UMWS_TEXT_MAX - 1);
	if (!out->state_text[0])
		return umws__fail(c, UMWS_EPROTO, "GetCallInfo: the call "
				  "state is empty");
	out->state = state_from_text(out->state_text);
	out->cause = umws__cause_from_text(out->cause_text);
	return UMWS_OK;
}

static int check_call_id(umws_client *c, const char *call_id)
{
	return umws__check_text(c, "call id", call_id, UMWS_CALL_ID_MAX);
}

/*
 * A poll asks GetCallInfo about one CallId again and again, and gSOAP
 * would write the same bytes each time (a seventh of the client's work
 * per poll). The request last written for this CallId goes again as it
 * is: what the generated soap_send___um__GetCallInfo does, without
 * serialising and writing the envelope (gen/soapClient.c).
 */
static int poll_call_info(struct soap *soap, const char *url,
			  struct _um__GetCallInfoResponse *resp)
{
	soap_begin(soap);
	soap_set_version(soap, 1);
	soap->encodingStyle = NULL;
	if (soap_begin_count(soap) || soap_end_count(soap))
		return soap->error;
	if (soap_connect(soap, url, GET_CALL_INFO_ACTION) ||
	    soap_end_send(soap))
		return soap_closesock(soap);
	return soap_recv___um__GetCallInfo(soap, resp);
}

static int call_info_once(umws_client *c, struct _um__GetCallInfo *req,
			  struct _um__GetCallInfoResponse *resp)
{
	/* Only the generated call is known to write what is kept. */
	int generated = c->ops == &umws__generated_ops;

	umws__transport_keep(c, generated ? req->CallId : NULL, generated);
	if (c->tp.resend_kept)
		return poll_call_info(c->soap, c->url, resp);
	return c->ops->get_call_info(c->soap, c->url, NULL, req, resp);
}

UMWS_EXTERN int umws_get_call_info(umws_call_info *out, umws_client *c,
				   const char *call_id)
{
	struct _um__GetCallInfo req = { (char *)call_id };
	struct _um__GetCallInfoResponse resp = { NULL };
	int rc;

	if (!out || begin(c, READ_ONLY))
		return UMWS_EINVAL;
	memset(out, 0, sizeof(*out));
	rc = check_call_id(c, call_id);
	if (rc)
		return rc;
	do
		rc = call_info_once(c, &req, &resp);
	while (again(c, rc));
	umws__transport_keep(c, NULL, 0);	/* call_id is the caller's */
	rc = done(c, rc, "GetCallInfo");
	if (rc == UMWS_OK)
		rc = take_call_info(c, out, resp.GetCallInfoResponse);
	release(c);
	return rc;
}

UMWS_EXTERN int umws_disconnect(umws_client *c, const char *call_id)
{
	struct _um__Disconnect req = { (char *)call_id };
	struct _um__DisconnectResponse resp;
	int rc;

	if (begin(c, ONCE))
		return UMWS_EINVAL;
	rc = check_call_id(c, call_id);
	if (rc)
		return rc;
	rc = c->ops->disconnect(c->soap, c->url, NULL, &req, &resp);
	rc = done(c, rc, "Disconnect");
	release(c);
	return rc;
}

/* ---- settings ---------------------------------------------------- */

UMWS_EXTERN int umws_is_um_enabled(int *enabled, umws_client *c)
{
	struct _um__IsUMEnabled req;
	struct _um__IsUMEnabledResponse resp = { NULL };
	int rc;

	if (!enabled || begin(c, READ_ONLY))
		return UMWS_EINVAL;
	*enabled = 0;
	do
		rc = c->ops->is_um_enabled(c->soap, c->url, NULL, &req, &resp);
	while (again(c, rc));
	rc = done(c, rc, "IsUMEnabled");
	if (rc == UMWS_OK && !resp.IsUMEnabledResponse)
		rc = umws__fail(c, UMWS_EPROTO, "IsUMEnabled: the response "
				"has no result");
	if (rc == UMWS_OK)
		*enabled = *resp.IsUMEnabledResponse == xsd__boolean__true_;
	release(c);
	return rc;
}

static int take_properties(umws_client *c, umws_properties *out,
			   const struct um__UMProperties *p)
{
	if (!p)
		return umws__fail(c, UMWS_EPROTO, "GetUMProperties: the "
				  "response has no result");
	out->oof_status = p->OofStatus == xsd__boolean__true_;
	out->missed_call_notification =
		p->MissedCallNotificationEnabled == xsd__boolean__true_;
	out->play_on_phone_dial_string = dup_trimmed(p->PlayOnPhoneDialString);
	out->telephone_access_numbers = dup_trimmed(p->TelephoneAccessNumbers);
	out->telephone_access_folder =
		dup_trimmed(p->TelephoneAccessFolderEmail);
	if (!out->play_on_phone_dial_string ||
	    !out->telephone_access_numbers || !out->telephone_access_folder) {
		umws_properties_clear(out);
		return umws__fail(c, UMWS_ENOMEM, "out of memory");
	}
	return UMWS_OK;
}

UMWS_EXTERN int umws_get_properties(umws_properties *out, umws_client *c)
{
	struct _um__GetUMProperties req;
	struct _um__GetUMPropertiesResponse resp = { NULL };
	int rc;

	if (!out || begin(c, READ_ONLY))
		return UMWS_EINVAL;
	memset(out, 0, sizeof(*out));
	do
		rc = c->ops->get_properties(c->soap, c->url, NULL, &req,
					    &resp);
	while (again(c, rc));
	rc = done(c, rc, "GetUMProperties");
	if (rc == UMWS_OK)
		rc = take_properties(c, out, resp.GetUMPropertiesResponse);
	release(c);
	return rc;
}

UMWS_EXTERN void umws_properties_clear(umws_properties *p)
{
	if (!p)
		return;
	free(p->play_on_phone_dial_string);
	free(p->telephone_access_numbers);
	free(p->telephone_access_folder);
	memset(p, 0, sizeof(*p));
}

static enum xsd__boolean xbool(int on)
{
	return on ? xsd__boolean__true_ : xsd__boolean__false_;
}

UMWS_EXTERN int umws_set_oof_status(umws_client *c, int on)
{
	struct _um__SetOofStatus req = { xbool(on) };
	struct _um__SetOofStatusResponse resp;
	int rc;

	if (begin(c, ONCE))
		return UMWS_EINVAL;
	rc = c->ops->set_oof(c->soap, c->url, NULL, &req, &resp);
	rc = done(c, rc, "SetOofStatus");
	release(c);
	return rc;
}

UMWS_EXTERN int umws_set_play_on_phone_dial_string(umws_client *c,
						   const char *dial_string)
{
	struct _um__SetPlayOnPhoneDialString req = { (char *)dial_string };
	struct _um__SetPlayOnPhoneDialStringResponse resp;
	int rc;

	if (begin(c, ONCE))
		return UMWS_EINVAL;
	rc = umws__check_text(c, "dial string", dial_string, UMWS_ARG_MAX);
	if (rc)
		return rc;
	rc = c->ops->set_dial_string(c->soap, c->url, NULL, &req, &resp);
	rc = done(c, rc, "SetPlayOnPhoneDialString");
	release(c);
	return rc;
}

UMWS_EXTERN int umws_set_telephone_access_folder(umws_client *c,
						 const char *folder_id)
{
	struct _um__SetTelephoneAccessFolderEmail req = { (char *)folder_id };
	struct _um__SetTelephoneAccessFolderEmailResponse resp;
	int rc;

	if (begin(c, ONCE))
		return UMWS_EINVAL;
	rc = umws__check_text(c, "folder id", folder_id, UMWS_ARG_MAX);
	if (rc)
		return rc;
	rc = c->ops->set_folder(c->soap, c->url, NULL, &req, &resp);
	rc = done(c, rc, "SetTelephoneAccessFolderEmail");
	release(c);
	return rc;
}

UMWS_EXTERN int umws_set_missed_call_notification(umws_client *c, int on)
{
	struct _um__SetMissedCallNotificationEnabled req = { xbool(on) };
	struct _um__SetMissedCallNotificationEnabledResponse resp;
	int rc;

	if (begin(c, ONCE))
		return UMWS_EINVAL;
	rc = c->ops->set_missed_call(c->soap, c->url, NULL, &req, &resp);
	rc = done(c, rc, "SetMissedCallNotificationEnabled");
	release(c);
	return rc;
}

UMWS_EXTERN int umws_reset_pin(umws_client *c)
{
	struct _um__ResetPIN req;
	struct _um__ResetPINResponse resp;
	int rc;

	if (begin(c, ONCE))
		return UMWS_EINVAL;
	rc = c->ops->reset_pin(c->soap, c->url, NULL, &req, &resp);
	rc = done(c, rc, "ResetPIN");
	release(c);
	return rc;
}
