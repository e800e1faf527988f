/*
 * wire.c - every request the client builds, every fixture response and
 * every fixture fault, through the real gSOAP code with the HTTP exchange
 * replaced. Requests are written to OUTDIR for run_wire.py to compare
 * with the fixtures; responses are checked here.
 *
 * usage: wire FIXTURE_DIR OUTDIR
 */
#include "internal.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *fixtures, *outdir;

struct fake {
	const char *op;		/* fixture and file name */
	const char *response;	/* fixture file to answer with */
	long status;
	char action[256];
};

static int exchange(void *data, const char *action, const char *req,
		    size_t req_len, char **resp, size_t *resp_len,
		    long *status)
{
	struct fake *f = data;
	char path[1024];

	snprintf(f->action, sizeof(f->action), "%s", action);
	snprintf(path, sizeof(path), "%s/%s.request.xml", outdir, f->op);
	if (t_write_file(path, req, req_len))
		return UMWS_EINTERNAL;
	snprintf(path, sizeof(path), "%s/%s", fixtures, f->response);
	*resp = t_read_file(path, resp_len);
	*status = f->status;
	return *resp ? UMWS_OK : UMWS_EINTERNAL;
}

static umws_client *client_for(struct fake *f, const char *op,
			       const char *response, long status)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;

	o.url = "https://um.example/EWS/UM2007Legacy.asmx";
	f->op = op;
	f->response = response;
	f->status = status;
	f->action[0] = '\0';
	if (umws_client_new(&c, &o) != UMWS_OK)
		t_die("cannot create a client");
	umws__set_exchange(c, exchange, f);
	return c;
}

static void check_action(const struct fake *f, const char *op)
{
	char want[256];

	snprintf(want, sizeof(want), "http://schemas.microsoft.com/"
		 "exchange/services/2006/messages/%s", op);
	T_STR(f->action, want);
}

#define ENTRY "AAAAAJx2S1rL0QxNp3vFj2yq8EYHAKb4lZ0x9m1Hn3rQ2x7pT1wAAAAAAQwAA" \
	"Kb4lZ0x9m1Hn3rQ2x7pT1wAAAjkNfEAAA=="
#define CALLID "ZDNmMmE5YzQtNjE3Yi00YjBlLTg1ZDItMmM5MGE0ZTFmNzAzfHVtMDIuZmF" \
	"icmlrYW0uZXhhbXBsZQ=="
#define FOLDER "AAAAAJx2S1rL0QxNp3vFj2yq8EYBAKb4lZ0x9m1Hn3rQ2x7pT1wAAAAAAQw" \
	"AAA=="

static void test_play_on_phone(void)
{
	struct fake f;
	umws_client *c = client_for(&f, "PlayOnPhone",
				    "PlayOnPhone.response.xml", 200);
	char *id = NULL;

	T_INT(umws_play_on_phone(&id, c, ENTRY, "+14255550142"), UMWS_OK);
	T_STR(id, CALLID);
	check_action(&f, "PlayOnPhone");
	umws_free(id);
	umws_client_free(c);
}

static void test_play_greeting(void)
{
	struct fake f;
	umws_client *c = client_for(&f, "PlayOnPhoneGreeting",
				    "PlayOnPhoneGreeting.response.xml", 200);
	char *id = NULL;

	T_INT(umws_play_greeting(&id, c, UMWS_GREETING_OOF, "4200"), UMWS_OK);
	T_STR(id, CALLID);
	check_action(&f, "PlayOnPhoneGreeting");
	umws_free(id);
	umws_client_free(c);
}

static void test_get_call_info(void)
{
	struct fake f;
	umws_client *c = client_for(&f, "GetCallInfo",
				    "GetCallInfo.response.xml", 200);
	umws_call_info info;

	T_INT(umws_get_call_info(&info, c, CALLID), UMWS_OK);
	T_INT(info.state, UMWS_STATE_ALERTED);
	T_INT(info.cause, UMWS_CAUSE_NONE);
	T_STR(info.state_text, "Alerted");
	T_STR(info.cause_text, "None");
	check_action(&f, "GetCallInfo");
	f.response = "GetCallInfo.disconnected-busy.response.xml";
	T_INT(umws_get_call_info(&info, c, CALLID), UMWS_OK);
	T_INT(info.state, UMWS_STATE_DISCONNECTED);
	T_INT(info.cause, UMWS_CAUSE_USER_BUSY);
	umws_client_free(c);
}

static void test_disconnect(void)
{
	struct fake f;
	umws_client *c = client_for(&f, "Disconnect",
				    "Disconnect.response.xml", 200);

	T_INT(umws_disconnect(c, CALLID), UMWS_OK);
	check_action(&f, "Disconnect");
	umws_client_free(c);
}

static void test_is_um_enabled(void)
{
	struct fake f;
	umws_client *c = client_for(&f, "IsUMEnabled",
				    "IsUMEnabled.response.xml", 200);
	int on = -1;

	T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
	T_INT(on, 0);
	check_action(&f, "IsUMEnabled");
	umws_client_free(c);
}

static void test_get_properties(void)
{
	struct fake f;
	umws_client *c = client_for(&f, "GetUMProperties",
				    "GetUMProperties.response.xml", 200);
	umws_properties p;

	T_INT(umws_get_properties(&p, c), UMWS_OK);
	T_INT(p.oof_status, 1);
	T_INT(p.missed_call_notification, 0);
	T_STR(p.play_on_phone_dial_string, "4200");
	T_STR(p.telephone_access_numbers, "+14255550100, +14255550101");
	T_STR(p.telephone_access_folder, FOLDER);
	check_action(&f, "GetUMProperties");
	umws_properties_clear(&p);
	umws_client_free(c);
}

static void test_setters(void)
{
	struct fake f;
	umws_client *c = client_for(&f, "SetOofStatus",
				    "SetOofStatus.response.xml", 200);

	T_INT(umws_set_oof_status(c, 0), UMWS_OK);
	check_action(&f, "SetOofStatus");
	f.op = "SetPlayOnPhoneDialString";
	f.response = "SetPlayOnPhoneDialString.response.xml";
	T_INT(umws_set_play_on_phone_dial_string(c, "+14255550142"), UMWS_OK);
	check_action(&f, "SetPlayOnPhoneDialString");
	f.op = "SetTelephoneAccessFolderEmail";
	f.response = "SetTelephoneAccessFolderEmail.response.xml";
	T_INT(umws_set_telephone_access_folder(c, FOLDER), UMWS_OK);
	check_action(&f, "SetTelephoneAccessFolderEmail");
	f.op = "SetMissedCallNotificationEnabled";
	f.response = "SetMissedCallNotificationEnabled.response.xml";
	T_INT(umws_set_missed_call_notification(c, 1), UMWS_OK);
	check_action(&f, "SetMissedCallNotificationEnabled");
	f.op = "ResetPIN";
	f.response = "ResetPIN.response.xml";
	T_INT(umws_reset_pin(c), UMWS_OK);
	check_action(&f, "ResetPIN");
	umws_client_free(c);
}

/* Markup in a caller's string is escaped by gSOAP, never injected. */
static void test_markup_is_escaped(void)
{
	struct fake f;
	umws_client *c = client_for(&f, "escaped",
				    "PlayOnPhone.response.xml", 200);
	char path[1024], why[128], *req, *id = NULL;
	struct xmlguard *g = NULL;
	size_t len = 0;

	T_INT(umws_play_on_phone(&id, c, "A</entryId><x>",
				 "<script>&\"'</script>"), UMWS_OK);
	snprintf(path, sizeof(path), "%s/escaped.request.xml", outdir);
	req = t_read_file(path, &len);
	T_TRUE(req != NULL);
	T_TRUE(req && umws__xml_check(&g, req, len, why, sizeof(why)) == 0);
	umws__xmlguard_free(g);
	T_TRUE(req && strstr(req, "&lt;script&gt;&amp;") != NULL);
	T_TRUE(req && strstr(req, "A&lt;/entryId&gt;&lt;x&gt;") != NULL);
	T_TRUE(req && strstr(req, "<script>") == NULL);
	free(req);
	remove(path);
	umws_free(id);
	umws_client_free(c);
}

/* libxml2 prints some errors (a failed encoding conversion) through a
 * global handler; the library must keep them off stderr. */
static void test_library_never_prints(void)
{
	struct fake f;
	umws_client *c = client_for(&f, "quiet", "../../hostile/"
				    "wrong-encoding.xml", 200);
	umws_call_info info;
	FILE *sink = tmpfile();
	int saved = dup(2);

	T_TRUE(sink != NULL && saved >= 0);
	fflush(stderr);
	dup2(fileno(sink), 2);
	T_INT(umws_get_call_info(&info, c, CALLID), UMWS_EPROTO);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	T_INT(lseek(fileno(sink), 0, SEEK_END), 0);
	T_TRUE(strstr(umws_client_error(c)->message, "malformed") != NULL);
	fclose(sink);
	umws_client_free(c);
}

static void check_fault(const char *file, umws_fault_kind kind,
			const char *type, const char *text)
{
	struct fake f;
	umws_client *c = client_for(&f, "fault", file, 500);
	umws_call_info info;
	const umws_error *e;

	T_INT(umws_get_call_info(&info, c, CALLID), UMWS_EFAULT);
	e = umws_client_error(c);
	T_INT(e->code, UMWS_EFAULT);
	T_INT(e->fault_kind, kind);
	T_STR(e->exception_type, type);
	T_STR(e->fault_string, text);
	T_INT(e->http_status, 500);
	T_TRUE(strstr(e->message, type) != NULL);
	umws_client_free(c);
}

static void test_faults(void)
{
	check_fault("fault.invalid-call-id.response.xml",
		    UMWS_FAULT_INVALID_CALL_ID, "InvalidCallIdException",
		    "The call identifier is not valid.");
	check_fault("fault.dialing-rules.response.xml",
		    UMWS_FAULT_DIALING_RULES, "DialingRulesException",
		    "The dial plan does not allow this number.");
	check_fault("fault.invalid-request.response.xml",
		    UMWS_FAULT_INVALID_REQUEST, "ErrorInvalidRequest",
		    "The request is not valid.");
}

/* Polling: each GetCallInfo sends the bytes gSOAP writes for it, kept
 * from the last one for the same CallId; another request, a failed
 * exchange or another operation between them changes nothing on the
 * wire. */
struct capture {
	char req[4][2048];	/* the requests seen, oldest first */
	size_t n;
	int fail;		/* the next exchange fails */
	char action[256];
};

static int capture_exchange(void *data, const char *action,
			    const char *req, size_t req_len, char **resp,
			    size_t *resp_len, long *status)
{
	struct capture *k = data;
	char path[1024];
	const char *name = strstr(action, "/Disconnect") ?
		"Disconnect.response.xml" : "GetCallInfo.response.xml";

	if (req_len >= sizeof(k->req[0]))
		return UMWS_EINTERNAL;
	memmove(k->req[0], k->req[1], sizeof(k->req) - sizeof(k->req[0]));
	memcpy(k->req[3], req, req_len);
	k->req[3][req_len] = '\0';
	k->n++;
	snprintf(k->action, sizeof(k->action), "%s", action);
	if (k->fail) {
		k->fail = 0;
		return UMWS_ECONNECT;
	}
	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	*resp = t_read_file(path, resp_len);
	*status = 200;
	return *resp ? UMWS_OK : UMWS_EINTERNAL;
}

static void poll_once(umws_client *c, struct capture *k, const char *id)
{
	umws_call_info info;

	T_INT(umws_get_call_info(&info, c, id), UMWS_OK);
	T_STR(info.state_text, "Alerted");
	T_STR(k->action, "http://schemas.microsoft.com/exchange/services/"
	      "2006/messages/GetCallInfo");
}

static void test_poll_keeps_request(void)
{
	static struct capture k;
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;
	umws_call_info info;
	char first[2048];

	o.url = "https://um.example/EWS/UM2007Legacy.asmx";
	if (umws_client_new(&c, &o) != UMWS_OK)
		t_die("cannot create a client");
	umws__set_exchange(c, capture_exchange, &k);
	poll_once(c, &k, CALLID);
	memcpy(first, k.req[3], sizeof(first));
	T_TRUE(strstr(first, ">" CALLID "</") != NULL);
	T_TRUE(umws__transport_kept(c, CALLID));
	T_TRUE(!umws__transport_kept(c, "b3RoZXI="));

	poll_once(c, &k, CALLID);	/* kept: the same bytes again */
	T_STR(k.req[3], first);
	T_TRUE(umws__transport_kept(c, CALLID));

	poll_once(c, &k, "b3RoZXI=");	/* another CallId is written */
	T_TRUE(strstr(k.req[3], ">b3RoZXI=</") != NULL);
	T_TRUE(strstr(k.req[3], CALLID) == NULL);
	T_TRUE(!umws__transport_kept(c, CALLID));
	poll_once(c, &k, CALLID);
	T_STR(k.req[3], first);

	k.fail = 1;			/* a failed exchange keeps it */
	T_INT(umws_get_call_info(&info, c, CALLID), UMWS_ECONNECT);
	T_STR(k.req[3], first);
	poll_once(c, &k, CALLID);
	T_STR(k.req[3], first);

	T_INT(umws_disconnect(c, CALLID), UMWS_OK);
	T_TRUE(strstr(k.req[3], "Disconnect>") != NULL);
	T_TRUE(!umws__transport_kept(c, CALLID));
	poll_once(c, &k, CALLID);	/* written anew, byte for byte */
	T_STR(k.req[3], first);
	T_INT((int)k.n, 8);
	umws_client_free(c);
}

/* Responses in turn from a list: an envelope namespace each, or NULL
 * for the same body with no envelope at all, at the status given. */
struct envelopes {
	const char *const *env;
	const long *status;
	size_t n;
};

static int envelope_exchange(void *data, const char *action,
			     const char *req, size_t req_len, char **resp,
			     size_t *resp_len, long *status)
{
	struct envelopes *e = data;
	const char *env = e->env[e->n];
	char *body = malloc(1024);
	const char *payload = "<GetCallInfoResponse xmlns=\"http://schemas."
		"microsoft.com/exchange/services/2006/messages\">"
		"<GetCallInfoResponse><CallState>Connected</CallState>"
		"<EventCause>None</EventCause></GetCallInfoResponse>"
		"</GetCallInfoResponse>";

	if (!body)
		return UMWS_ENOMEM;
	if (env)
		snprintf(body, 1024, "<s:Envelope xmlns:s=\"%s\" xmlns:xsi="
			 "\"http://www.w3.org/2001/XMLSchema-instance\" "
			 "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"
			 "<s:Body>%s</s:Body></s:Envelope>", env, payload);
	else
		snprintf(body, 1024, "%s", payload);
	*resp = body;
	*resp_len = strlen(body);
	*status = e->status[e->n++];
	return UMWS_OK;
}

#define SOAP11 "http://schemas.xmlsoap.org/soap/envelope/"
#define SOAP12 "http://www.w3.org/2003/05/soap-envelope"
#define DRAFT "http://www.w3.org/2001/12/soap-envelope"

/* Polls read each envelope by its own namespace: a SOAP 1.2 one (which
 * the table matches by pattern) leaves nothing that would read the next
 * SOAP 1.1 one as 1.2, a draft of SOAP 1.2 is no envelope at all, and a
 * body with no envelope is refused on a poll as on the first call. */
static void test_poll_namespaces(void)
{
	static const char *const env[] = {
		NULL, SOAP11, SOAP11, SOAP12, SOAP11, SOAP12, SOAP12, DRAFT,
		SOAP11, NULL, NULL, SOAP11,
	};
	static const long status[] = {
		500, 200, 200, 200, 200, 200, 200, 200, 200, 500, 200, 200,
	};
	static const int rcs[] = {
		UMWS_EHTTP, UMWS_OK, UMWS_OK, UMWS_OK, UMWS_OK, UMWS_OK,
		UMWS_OK, UMWS_EPROTO, UMWS_OK, UMWS_EHTTP, UMWS_EPROTO,
		UMWS_OK,
	};
	struct envelopes e = { env, status, 0 };
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;
	umws_call_info info;

	o.url = "https://um.example/EWS/UM2007Legacy.asmx";
	if (umws_client_new(&c, &o) != UMWS_OK)
		t_die("cannot create a client");
	umws__set_exchange(c, envelope_exchange, &e);
	for (size_t i = 0; i < sizeof(env) / sizeof(*env); i++) {
		int rc;

		/* every call after the first resends the kept request */
		T_INT(umws__transport_kept(c, CALLID), i > 0);
		rc = umws_get_call_info(&info, c, CALLID);
		T_INT(rc, rcs[i]);
		if (rc == UMWS_OK) {
			T_STR(info.state_text, "Connected");
			T_INT(c->soap->version,
			      env[i] && !strcmp(env[i], SOAP12) ? 2 : 1);
		}
	}
	T_INT((int)e.n, 12);
	umws_client_free(c);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		t_die("usage: wire FIXTURE_DIR OUTDIR");
	fixtures = argv[1];
	outdir = argv[2];
	umws_global_init();
	T_RUN(test_play_on_phone);
	T_RUN(test_play_greeting);
	T_RUN(test_get_call_info);
	T_RUN(test_poll_keeps_request);
	T_RUN(test_poll_namespaces);
	T_RUN(test_disconnect);
	T_RUN(test_is_um_enabled);
	T_RUN(test_get_properties);
	T_RUN(test_setters);
	T_RUN(test_faults);
	T_RUN(test_markup_is_escaped);
	T_RUN(test_library_never_prints);
	umws_global_cleanup();
	return t_report("wire");
}
