/*
 * unit.c - the facade without a network: the generated proxies are
 * replaced through the ops table by fakes that follow a script.
 */
#include "internal.h"
#include "testutil.h"

#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* ---- the fake service -------------------------------------------- */

#define MAX_STEPS 16

static struct {
	const char *states[MAX_STEPS];	/* GetCallInfo answers in order */
	const char *causes[MAX_STEPS];
	int nstates, info_calls;
	const char *info_fault;		/* exception GetCallInfo throws */
	const char *disc_fault;		/* exception Disconnect throws */
	const char *call_id;		/* what PlayOnPhone returns */
	int play_calls, disc_calls, greeting_calls;
	int drop_first;			/* connection dies once */
	char last_dial[64];
} fake;

static void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.call_id = "Y2FsbHx1bS5leGFtcGxl";
}

static int fault(struct soap *soap, const char *type)
{
	struct SOAP_ENV__Detail *d;

	soap_fault(soap);
	d = soap_malloc(soap, sizeof(*d));
	memset(d, 0, sizeof(*d));
	d->ExceptionType = soap_strdup(soap, type);
	soap->fault->faultcode = soap_strdup(soap, "a:OtherName");
	soap->fault->faultstring = soap_strdup(soap, "fake fault");
	soap->fault->detail = d;
	return soap->error = SOAP_FAULT;
}

/* Makes the transport look as if a kept-alive connection had died. */
static int dropped(struct soap *soap)
{
	umws_client *c = soap->user;

	c->tp.cres = CURLE_GOT_NOTHING;
	umws__fail(c, UMWS_ECONNECT, "empty reply from server");
	return soap->error = SOAP_TCP_ERROR;
}

static int f_play(struct soap *soap, const char *u, const char *a,
		  struct _um__PlayOnPhone *req,
		  struct _um__PlayOnPhoneResponse *resp)
{
	fake.play_calls++;
	snprintf(fake.last_dial, sizeof(fake.last_dial), "%s",
		 req->DialString);
	if (fake.drop_first && fake.play_calls == 1)
		return dropped(soap);
	resp->PlayOnPhoneResponse = soap_strdup(soap, fake.call_id);
	return SOAP_OK;
}

static int f_greeting(struct soap *soap, const char *u, const char *a,
		      struct _um__PlayOnPhoneGreeting *req,
		      struct _um__PlayOnPhoneGreetingResponse *resp)
{
	fake.greeting_calls++;
	snprintf(fake.last_dial, sizeof(fake.last_dial), "%s",
		 req->GreetingType);
	resp->PlayOnPhoneGreetingResponse = soap_strdup(soap, fake.call_id);
	return SOAP_OK;
}

static int f_info(struct soap *soap, const char *u, const char *a,
		  struct _um__GetCallInfo *req,
		  struct _um__GetCallInfoResponse *resp)
{
	int i = fake.info_calls++;

	if (fake.drop_first && i == 0)
		return dropped(soap);
	if (fake.info_fault)
		return fault(soap, fake.info_fault);
	if (i >= fake.nstates)
		i = fake.nstates - 1;
	resp->GetCallInfoResponse = soap_malloc(soap, sizeof(struct
						um__UMCallInfo));
	resp->GetCallInfoResponse->CallState = (char *)fake.states[i];
	resp->GetCallInfoResponse->EventCause = (char *)fake.causes[i];
	return SOAP_OK;
}

static int f_disc(struct soap *soap, const char *u, const char *a,
		  struct _um__Disconnect *req,
		  struct _um__DisconnectResponse *resp)
{
	fake.disc_calls++;
	if (fake.disc_fault)
		return fault(soap, fake.disc_fault);
	return SOAP_OK;
}

static struct umws_ops fake_ops;

static umws_client *fake_client(int guard)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;

	o.url = "https://um.example/EWS/UM2007Legacy.asmx";
	o.one_call_guard = guard;
	fake_ops = umws__generated_ops;
	fake_ops.play_on_phone = f_play;
	fake_ops.play_greeting = f_greeting;
	fake_ops.get_call_info = f_info;
	fake_ops.disconnect = f_disc;
	if (umws_client_new(&c, &o) != UMWS_OK)
		t_die("cannot create a client");
	umws__set_ops(c, &fake_ops);
	return c;
}

static void script(int n, const char *const *states,
		   const char *const *causes)
{
	for (int i = 0; i < n; i++) {
		fake.states[i] = states[i];
		fake.causes[i] = causes[i];
	}
	fake.nstates = n;
}

/* ---- client options ---------------------------------------------- */

static int try_new(const char *url, umws_auth auth, const char *user,
		   const char *password, int allow_http)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = (umws_client *)&o;
	char err[128];
	int rc;

	o.url = url;
	o.auth = auth;
	o.user = user;
	o.password = password;
	o.allow_http = allow_http;
	rc = umws_client_new2(&c, &o, err, sizeof(err));
	if (rc == UMWS_OK)
		umws_client_free(c);
	else if (c != NULL || !err[0])
		T_FAIL("%s", "a refused client must be NULL with a reason");
	return rc;
}

static void options_refuse_what_they_must(void)
{
	umws_options o;

	T_INT(try_new(NULL, UMWS_AUTH_NONE, NULL, NULL, 0), UMWS_EINVAL);
	T_INT(try_new("", UMWS_AUTH_NONE, NULL, NULL, 0), UMWS_EINVAL);
	T_INT(try_new("ftp://h/x", UMWS_AUTH_NONE, NULL, NULL, 0),
	      UMWS_EINVAL);
	T_INT(try_new("https://h/x", UMWS_AUTH_NTLM, NULL, "p", 0),
	      UMWS_EINVAL);
	T_INT(try_new("https://h/x", UMWS_AUTH_NTLM, "D\\u", NULL, 0),
	      UMWS_EINVAL);
	T_INT(try_new("http://h/x", UMWS_AUTH_NTLM, "D\\u", "p", 0),
	      UMWS_EINVAL);
	T_INT(try_new("http://h/x", UMWS_AUTH_NTLM, "D\\u", "p", 1), UMWS_OK);
	T_INT(try_new("http://h/x", UMWS_AUTH_BASIC, "u@d", "p", 1),
	      UMWS_EINVAL);
	T_INT(try_new("https://h/x", UMWS_AUTH_BASIC, "u@d", "p", 0), UMWS_OK);
	T_INT(try_new("http://h/x", UMWS_AUTH_NONE, NULL, NULL, 0), UMWS_OK);
	T_INT(umws_options_init(&o, 99), UMWS_EINVAL);
	T_INT(umws_options_init(NULL, UMWS_OPTIONS_VERSION), UMWS_EINVAL);
	T_INT(umws_options_init(&o, UMWS_OPTIONS_VERSION), UMWS_OK);
	T_INT(o.version, UMWS_OPTIONS_VERSION);
	T_INT(umws_client_new(NULL, &o), UMWS_EINVAL);
}

static umws_client *ntlm_client(const char *url, const char *user,
				const char *password, int *rc)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;
	char err[160];

	o.url = url;
	o.auth = UMWS_AUTH_NTLM;
	o.user = user;
	o.password = password;
	*rc = umws_client_new2(&c, &o, err, sizeof(err));
	if (*rc && !err[0])
		T_FAIL("%s", "a refusal must say why");
	return c;
}

static void credentials_are_checked_and_made_ntlm_ready(void)
{
	const char *url = "https://um.example/EWS/UM2007Legacy.asmx";
	char big[1100];
	umws_client *c;
	int rc;

	memset(big, 'u', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_TRUE(!ntlm_client(url, big, "p", &rc));
	T_INT(rc, UMWS_EINVAL);
	T_TRUE(!ntlm_client(url, "D\\u", big, &rc));
	T_INT(rc, UMWS_EINVAL);
	T_TRUE(!ntlm_client(url, "D\\u", "euro \xe2\x82\xac", &rc));
	T_INT(rc, UMWS_EINVAL);
	T_TRUE(!ntlm_client(url, "D\\u\x01", "p", &rc));
	T_INT(rc, UMWS_EINVAL);
	T_TRUE(!ntlm_client("https://bob:pw@um.example/x", "D\\u", "p",
			    &rc));
	T_INT(rc, UMWS_EINVAL);
	/* Latin-1 for libcurl's NTLM; the user's letters in capitals,
	 * the domain's as typed */
	c = ntlm_client(url, "D\xc3\xa9\\jos\xc3\xa9", "p\xc3\xa4ss",
			&rc);
	T_INT(rc, UMWS_OK);
	T_STR(c ? c->user : NULL, "D\xe9\\jos\xc9");
	T_STR(c ? c->password : NULL, "p\xe4ss");
	umws_client_free(c);
	c = ntlm_client(url, "jos\xc3\xa9@d", "p", &rc);
	T_STR(c ? c->user : NULL, "jos\xc9@d");
	umws_client_free(c);
	T_TRUE(!ntlm_client(url, "D\\\xc3\xbf", "p", &rc));
}

static void null_and_empty_arguments_are_refused(void)
{
	umws_client *c = fake_client(0);
	umws_call_info info;
	umws_properties p;
	umws_call *call = NULL;
	char *id = (char *)"x";
	int on;

	T_INT(umws_play_on_phone(NULL, c, "e", "1"), UMWS_EINVAL);
	T_INT(umws_play_on_phone(&id, NULL, "e", "1"), UMWS_EINVAL);
	T_INT(umws_play_on_phone(&id, c, NULL, "1"), UMWS_EINVAL);
	T_TRUE(id == NULL);
	T_INT(umws_play_on_phone(&id, c, "e", ""), UMWS_EINVAL);
	T_INT(umws_play_greeting(&id, c, (umws_greeting)7, "1"), UMWS_EINVAL);
	T_INT(umws_get_call_info(NULL, c, "x"), UMWS_EINVAL);
	T_INT(umws_get_call_info(&info, NULL, "x"), UMWS_EINVAL);
	T_INT(umws_get_call_info(&info, c, ""), UMWS_EINVAL);
	T_INT(umws_get_call_info(&info, c, NULL), UMWS_EINVAL);
	T_INT(umws_disconnect(c, NULL), UMWS_EINVAL);
	T_INT(umws_disconnect(NULL, "x"), UMWS_EINVAL);
	T_INT(umws_is_um_enabled(NULL, c), UMWS_EINVAL);
	T_INT(umws_is_um_enabled(&on, NULL), UMWS_EINVAL);
	T_INT(umws_get_properties(NULL, c), UMWS_EINVAL);
	T_INT(umws_get_properties(&p, NULL), UMWS_EINVAL);
	T_INT(umws_set_oof_status(NULL, 1), UMWS_EINVAL);
	T_INT(umws_set_play_on_phone_dial_string(c, ""), UMWS_EINVAL);
	T_INT(umws_set_telephone_access_folder(c, NULL), UMWS_EINVAL);
	T_INT(umws_set_missed_call_notification(NULL, 0), UMWS_EINVAL);
	T_INT(umws_reset_pin(NULL), UMWS_EINVAL);
	T_INT(umws_call_attach(&call, c, ""), UMWS_EINVAL);
	T_INT(umws_call_attach(NULL, c, "x"), UMWS_EINVAL);
	T_INT(umws_call_refresh(NULL), UMWS_EINVAL);
	T_INT(umws_call_wait(NULL, NULL), UMWS_EINVAL);
	T_INT(umws_call_hangup(NULL), UMWS_EINVAL);
	T_TRUE(umws_call_id(NULL) == NULL);
	T_INT(umws_call_is_over(NULL), 0);
	T_INT(umws_client_error(NULL)->code, UMWS_EINVAL);
	T_INT(fake.play_calls + fake.info_calls + fake.disc_calls, 0);
	umws_call_free(NULL);
	umws_client_free(NULL);
	umws_properties_clear(NULL);
	umws_free(NULL);
	umws_client_free(c);
}

static void non_utf8_and_control_characters_are_refused(void)
{
	umws_client *c = fake_client(0);
	char *id = NULL;

	fake_reset();
	T_INT(umws_play_on_phone(&id, c, "e", "42\xff\xfe"), UMWS_EINVAL);
	T_INT(umws_play_on_phone(&id, c, "e", "42\xc0\xaf"), UMWS_EINVAL);
	T_INT(umws_play_on_phone(&id, c, "e", "\xed\xa0\x80"), UMWS_EINVAL);
	T_INT(umws_play_on_phone(&id, c, "e\x01", "4200"), UMWS_EINVAL);
	T_INT(umws_play_on_phone(&id, c, "e", "42\x1b[2J"), UMWS_EINVAL);
	T_TRUE(strstr(umws_client_error(c)->message, "utf-8") != NULL);
	T_INT(fake.play_calls, 0);
	T_INT(umws_play_on_phone(&id, c, "e", "+49 \xe2\x80\x8e" "4200"),
	      UMWS_OK);
	T_INT(fake.play_calls, 1);
	umws_free(id);
	umws_client_free(c);
}

static void over_long_call_id_is_refused_before_sending(void)
{
	umws_client *c = fake_client(0);
	umws_call_info info;
	char *big = malloc(UMWS_CALL_ID_MAX + 2);

	memset(big, 'A', UMWS_CALL_ID_MAX + 1);
	big[UMWS_CALL_ID_MAX + 1] = '\0';
	T_INT(umws_get_call_info(&info, c, big), UMWS_EINVAL);
	T_TRUE(strstr(umws_client_error(c)->message, "longer") != NULL);
	big[1420] = '\0';
	script(1, (const char *[]){ "Idle" }, (const char *[]){ "None" });
	T_INT(umws_get_call_info(&info, c, big), UMWS_OK);
	T_INT(fake.info_calls, 1);
	free(big);
	umws_client_free(c);
}

/* ---- values -------------------------------------------------------- */

static void unknown_values_keep_their_text(void)
{
	umws_client *c = fake_client(0);
	umws_call_info info;

	fake_reset();
	script(1, (const char *[]){ "  Ringing \n" },
	       (const char *[]){ "CarrierLost" });
	T_INT(umws_get_call_info(&info, c, "x"), UMWS_OK);
	T_INT(info.state, UMWS_STATE_UNKNOWN);
	T_INT(info.cause, UMWS_CAUSE_UNKNOWN);
	T_STR(info.state_text, "Ringing");
	T_STR(info.cause_text, "CarrierLost");
	script(1, (const char *[]){ "Disconnected" },
	       (const char *[]){ "Unavailable" });
	T_INT(umws_get_call_info(&info, c, "x"), UMWS_OK);
	T_INT(info.cause, UMWS_CAUSE_UNAVAILABLE);
	umws_client_free(c);
}

static void over_long_state_text_is_an_error_not_a_truncation(void)
{
	umws_client *c = fake_client(0);
	umws_call_info info;
	char big[200];

	fake_reset();
	memset(big, 'S', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	script(1, (const char *[]){ big }, (const char *[]){ "None" });
	T_INT(umws_get_call_info(&info, c, "x"), UMWS_EPROTO);
	umws_client_free(c);
}

static void names_and_fault_kinds_map_both_ways(void)
{
	T_STR(umws_call_state_name(UMWS_STATE_CONNECTED), "Connected");
	T_STR(umws_call_state_name((umws_call_state)99), "Unknown");
	T_STR(umws_event_cause_name(UMWS_CAUSE_USER_BUSY), "UserBusy");
	T_INT(umws_call_state_from_name("disconnected"),
	      UMWS_STATE_DISCONNECTED);
	T_INT(umws_call_state_from_name("bogus"), UMWS_STATE_UNKNOWN);
	T_INT(umws__fault_kind_of("InvalidObjectIdException"),
	      UMWS_FAULT_INVALID_OBJECT_ID);
	T_INT(umws__fault_kind_of("IPGatewayNotFoundException"),
	      UMWS_FAULT_IP_GATEWAY_NOT_FOUND);
	T_INT(umws__fault_kind_of("InvalidADRecipientException"),
	      UMWS_FAULT_INVALID_AD_RECIPIENT);
	T_INT(umws__fault_kind_of("SomethingNew"), UMWS_FAULT_OTHER);
	T_STR(umws__local_name("a:X"), "X");
	T_STR(umws__local_name("\"http://e/errors\":X"), "X");
	T_STR(umws_fault_kind_name(UMWS_FAULT_DIALING_RULES), "dialing rules");
	for (int code = 0; code >= -20; code--)
		T_TRUE(umws_strerror(code) != NULL);
	T_STR(umws_strerror(-99), "unknown error");
	T_STR(umws_version(), UMWS_VERSION);
}

/* ---- placing calls ------------------------------------------------- */

static void play_returns_a_trimmed_call_id(void)
{
	umws_client *c = fake_client(0);
	char *id = NULL;

	fake_reset();
	fake.call_id = "  Y2FsbA==\n";
	T_INT(umws_play_on_phone(&id, c, "entry", "+1 425"), UMWS_OK);
	T_STR(id, "Y2FsbA==");
	T_STR(fake.last_dial, "+1 425");
	umws_free(id);
	T_INT(umws_play_greeting(&id, c, UMWS_GREETING_NORMAL, "4200"),
	      UMWS_OK);
	T_STR(fake.last_dial, "NormalCustom");
	umws_free(id);
	umws_client_free(c);
}

static void empty_call_id_from_the_server_is_an_error(void)
{
	umws_client *c = fake_client(0);
	char *id = NULL;

	fake_reset();
	fake.call_id = "   ";
	T_INT(umws_play_on_phone(&id, c, "entry", "4200"), UMWS_EPROTO);
	T_TRUE(id == NULL);
	fake.call_id = NULL;
	T_INT(umws_play_on_phone(&id, c, "entry", "4200"), UMWS_EPROTO);
	umws_client_free(c);
}

static void play_is_never_sent_twice(void)
{
	umws_client *c = fake_client(0);
	char *id = NULL;

	fake_reset();
	fake.drop_first = 1;
	T_INT(umws_play_on_phone(&id, c, "entry", "4200"), UMWS_ECONNECT);
	T_INT(fake.play_calls, 1);
	T_TRUE(id == NULL);
	umws_client_free(c);
}

static void read_only_calls_retry_once_on_a_dropped_connection(void)
{
	umws_client *c = fake_client(0);
	umws_call_info info;

	fake_reset();
	fake.drop_first = 1;
	script(1, (const char *[]){ "Connected" }, (const char *[]){ "None" });
	T_INT(umws_get_call_info(&info, c, "x"), UMWS_OK);
	T_INT(fake.info_calls, 2);
	T_INT(info.state, UMWS_STATE_CONNECTED);
	umws_client_free(c);
}

static void guard_refuses_a_second_call_while_one_is_active(void)
{
	umws_client *c = fake_client(1);
	char *a = NULL, *b = NULL;

	fake_reset();
	script(1, (const char *[]){ "Connected" }, (const char *[]){ "None" });
	T_INT(umws_play_on_phone(&a, c, "e", "4200"), UMWS_OK);
	T_INT(umws_play_on_phone(&b, c, "e", "4200"), UMWS_EBUSY);
	T_INT(umws_client_error(c)->code, UMWS_EBUSY);
	T_INT(fake.play_calls, 1);
	T_TRUE(b == NULL);
	script(1, (const char *[]){ "Disconnected" },
	       (const char *[]){ "None" });
	T_INT(umws_play_on_phone(&b, c, "e", "4200"), UMWS_OK);
	T_INT(fake.play_calls, 2);
	umws_free(b);
	fake.info_fault = "InvalidCallIdException";
	T_INT(umws_play_on_phone(&b, c, "e", "4200"), UMWS_OK);
	T_INT(fake.play_calls, 3);
	umws_free(a);
	umws_free(b);
	umws_client_free(c);
}

static void guard_is_off_by_default(void)
{
	umws_client *c = fake_client(0);
	char *a = NULL, *b = NULL;

	fake_reset();
	script(1, (const char *[]){ "Connected" }, (const char *[]){ "None" });
	T_INT(umws_play_on_phone(&a, c, "e", "4200"), UMWS_OK);
	T_INT(umws_play_on_phone(&b, c, "e", "4200"), UMWS_OK);
	T_INT(fake.info_calls, 0);
	umws_free(a);
	umws_free(b);
	umws_client_free(c);
}

/* ---- following and ending a call ------------------------------------ */

static struct {
	umws_call_state seen[MAX_STEPS];
	int n;
} progress;

static void on_progress(const umws_call *call, const umws_call_info *info,
			long elapsed_ms, void *data)
{
	if (progress.n < MAX_STEPS)
		progress.seen[progress.n++] = info->state;
}

static umws_wait_options fast_wait(umws_call_state until)
{
	umws_wait_options w = UMWS_WAIT_OPTIONS_INIT;

	w.until = until;
	w.poll_min_ms = 1;
	w.poll_max_ms = 4;
	w.progress = on_progress;
	return w;
}

static void wait_reports_each_state_change_once(void)
{
	umws_client *c = fake_client(0);
	umws_wait_options w = fast_wait(UMWS_STATE_UNKNOWN);
	umws_call *call = NULL;

	fake_reset();
	memset(&progress, 0, sizeof(progress));
	script(6, (const char *[]){ "Connecting", "Connecting", "Alerted",
				    "Alerted", "Connected", "Disconnected" },
	       (const char *[]){ "None", "None", "None", "None", "None",
				 "None" });
	T_INT(umws_call_play(&call, c, "e", "4200"), UMWS_OK);
	T_INT(umws_call_wait(call, &w), UMWS_OK);
	T_INT(progress.n, 4);
	T_INT(progress.seen[0], UMWS_STATE_CONNECTING);
	T_INT(progress.seen[1], UMWS_STATE_ALERTED);
	T_INT(progress.seen[2], UMWS_STATE_CONNECTED);
	T_INT(progress.seen[3], UMWS_STATE_DISCONNECTED);
	T_INT(umws_call_is_over(call), 1);
	T_INT(umws_call_unanswered(call), 0);
	umws_call_free(call);
	umws_client_free(c);
}

static void wait_until_stops_at_the_target_or_at_the_end(void)
{
	umws_client *c = fake_client(0);
	umws_wait_options w = fast_wait(UMWS_STATE_CONNECTED);
	umws_call *call = NULL;

	fake_reset();
	script(3, (const char *[]){ "Connecting", "Connected", "Connected" },
	       (const char *[]){ "None", "None", "None" });
	T_INT(umws_call_attach(&call, c, "Y2FsbA=="), UMWS_OK);
	T_INT(umws_call_wait(call, &w), UMWS_OK);
	T_INT(umws_call_info_get(call)->state, UMWS_STATE_CONNECTED);
	T_INT(umws_call_is_over(call), 0);
	T_INT(fake.info_calls, 2);
	umws_call_free(call);
	fake_reset();
	script(2, (const char *[]){ "Alerted", "Disconnected" },
	       (const char *[]){ "None", "UserBusy" });
	T_INT(umws_call_attach(&call, c, "Y2FsbA=="), UMWS_OK);
	T_INT(umws_call_wait(call, &w), UMWS_OK);
	T_INT(umws_call_is_over(call), 1);
	T_INT(umws_call_unanswered(call), 1);
	T_INT(umws_call_info_get(call)->cause, UMWS_CAUSE_USER_BUSY);
	umws_call_free(call);
	umws_client_free(c);
}

static void waiting_on_an_unknown_call_fails(void)
{
	umws_client *c = fake_client(0);
	umws_wait_options w = fast_wait(UMWS_STATE_CONNECTED);
	umws_call *call = NULL;

	fake_reset();
	fake.info_fault = "InvalidCallIdException";
	T_INT(umws_call_attach(&call, c, "dHlwbw=="), UMWS_OK);
	T_INT(umws_call_wait(call, &w), UMWS_EFAULT);
	T_INT(umws_client_error(c)->fault_kind, UMWS_FAULT_INVALID_CALL_ID);
	T_INT(umws_call_is_over(call), 1);
	T_INT(umws_call_unanswered(call), 0);
	umws_call_free(call);
	umws_client_free(c);
}

static void idle_after_placing_means_over(void)
{
	umws_client *c = fake_client(0);
	umws_call *call = NULL;

	fake_reset();
	script(1, (const char *[]){ "Idle" }, (const char *[]){ "None" });
	T_INT(umws_call_play(&call, c, "e", "4200"), UMWS_OK);
	T_INT(umws_call_refresh(call), UMWS_OK);
	T_INT(umws_call_is_over(call), 1);
	umws_call_free(call);
	umws_client_free(c);
}

static void wait_deadline_and_cancel_end_the_wait(void)
{
	umws_client *c = fake_client(0);
	umws_wait_options w = fast_wait(UMWS_STATE_UNKNOWN);
	umws_call *call = NULL;
	volatile int cancel = 1;

	fake_reset();
	script(1, (const char *[]){ "Alerted" }, (const char *[]){ "None" });
	T_INT(umws_call_attach(&call, c, "Y2FsbA=="), UMWS_OK);
	w.timeout_ms = 30;
	T_INT(umws_call_wait(call, &w), UMWS_EDEADLINE);
	T_INT(umws_client_error(c)->code, UMWS_EDEADLINE);
	w.timeout_ms = 0;
	w.cancel = &cancel;
	T_INT(umws_call_wait(call, &w), UMWS_ECANCELED);
	umws_call_free(call);
	umws_client_free(c);
}

static void hangup_disconnects_only_an_active_call(void)
{
	umws_client *c = fake_client(0);
	umws_call *call = NULL;

	fake_reset();
	script(1, (const char *[]){ "Connected" }, (const char *[]){ "None" });
	T_INT(umws_call_attach(&call, c, "Y2FsbA=="), UMWS_OK);
	T_INT(umws_call_hangup(call), UMWS_OK);
	T_INT(fake.disc_calls, 1);
	T_INT(umws_call_is_over(call), 1);
	script(1, (const char *[]){ "Disconnected" },
	       (const char *[]){ "None" });
	T_INT(umws_call_hangup(call), UMWS_OK);
	T_INT(fake.disc_calls, 1);
	umws_call_free(call);
	umws_client_free(c);
}

static void hangup_of_a_forgotten_call_succeeds(void)
{
	umws_client *c = fake_client(0);
	umws_call *call = NULL;

	fake_reset();
	fake.info_fault = "a:InvalidCallIdException";
	T_INT(umws_call_attach(&call, c, "Y2FsbA=="), UMWS_OK);
	T_INT(umws_call_hangup(call), UMWS_OK);
	T_INT(fake.disc_calls, 0);
	T_INT(umws_client_error(c)->code, UMWS_OK);
	fake.info_fault = NULL;
	script(1, (const char *[]){ "Alerted" }, (const char *[]){ "None" });
	fake.disc_fault = "InvalidCallIdException";
	T_INT(umws_call_hangup(call), UMWS_OK);
	T_INT(fake.disc_calls, 1);
	fake.disc_fault = "TransportException";
	T_INT(umws_call_hangup(call), UMWS_EFAULT);
	T_INT(umws_client_error(c)->fault_kind, UMWS_FAULT_TRANSPORT);
	umws_call_free(call);
	umws_client_free(c);
}

/*
 * A kept parser (one per client) must judge every body as a fresh one
 * would, whatever the bodies before it were: refused ones stopped
 * halfway with namespaces and elements open, and passing ones that
 * filled its dictionary with new names.
 */
static int fresh_verdict(const char *body, char *why, size_t len)
{
	static const struct xmlguard_limits lim = { 64, 0, 256 };

	return umws__xmlguard_check(NULL, body, strlen(body), &lim, why, len);
}

static void kept_parser_judges_like_a_fresh_one(void)
{
	static const char *const bodies[] = {
		"<s:E xmlns:s=\"urn:s\"><s:B><x>1</x></s:B></s:E>",
		"<s:E xmlns:s=\"urn:s\"><s:B><x>1</x>",
		"<E xmlns:p=\"urn:p\"><p:a/><p:b>&undefined;</p:b></E>",
		"<!DOCTYPE E [<!ENTITY e \"x\">]><E>&e;</E>",
		"<E>\xc3\x28</E>",
		"<E><a></b></E>",
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><E/>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><E>caf\xc3\xa9</E>",
		"<E a=\"1\" a=\"2\"/>",
		"<E>&#0;</E>",
		"<E/><F/>",
		"<p:E/>",
		"<E xmlns:p=\"urn:p\"><p:a/></E><p:b/>",
		"\xef\xbb\xbf<E/>",
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?><E/>",
		"<E/>",
	};
	/* UTF-16LE with a byte order mark, and a body cut short */
	static const char utf16[] = "\xff\xfe<\0E\0/\0>\0";
	static const char *const cut = "<s:E xmlns:s=\"urn:s\"><s:B><x>1";
	struct xmlguard *g = NULL;
	char want_why[256], why[256], deep[9000], names[64];
	size_t i;
	int round, want;

	for (round = 0; round < 3; round++) {
		for (i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
			want = fresh_verdict(bodies[i], want_why,
					     sizeof(want_why));
			T_INT(umws__xml_check(&g, bodies[i], strlen(bodies[i]),
					      why, sizeof(why)), want);
			T_STR(why, want_why);
		}
	}
	T_INT(fresh_verdict(bodies[0], why, sizeof(why)), 0);
	T_INT(fresh_verdict(bodies[1], why, sizeof(why)), -1);
	T_INT(fresh_verdict(bodies[3], why, sizeof(why)), -1);
	T_INT(fresh_verdict(bodies[6], why, sizeof(why)), -1);
	T_INT(fresh_verdict(bodies[11], why, sizeof(why)), -1);
	T_STR(why, "namespace prefix p on E is not defined (line 1)");
	T_INT(fresh_verdict(bodies[13], why, sizeof(why)), 0);
	T_INT(fresh_verdict(bodies[14], why, sizeof(why)), 0);
	for (round = 0; round < 3; round++) {
		want = umws__xmlguard_check(NULL, utf16, sizeof(utf16) - 1,
					    &(struct xmlguard_limits){ 0 },
					    want_why, sizeof(want_why));
		T_INT(umws__xml_check(&g, utf16, sizeof(utf16) - 1, why,
				      sizeof(why)), want);
		T_STR(why, want_why);
	}

	T_INT(umws__xmlguard_check(NULL, utf16, sizeof(utf16) - 1,
				   &(struct xmlguard_limits){ 0 }, why,
				   sizeof(why)), -1);
	T_STR(why, "the body is in UTF-16LE, not utf-8");

	/* A body cut short says so, and where. */
	T_INT(umws__xml_check(&g, cut, strlen(cut), why, sizeof(why)), -1);
	T_STR(why, "premature end of data in tag x (line 1)");

	/* The verdict does not hang on room for the reason. */
	T_INT(umws__xml_check(&g, bodies[3], strlen(bodies[3]), why, 1), -1);
	T_STR(why, "");
	T_INT(umws__xml_check(&g, bodies[3], strlen(bodies[3]), NULL, 0), -1);
	T_INT(umws__xml_check(&g, bodies[0], strlen(bodies[0]), NULL, 0), 0);

	/* Past libxml2's nesting limit, which the push parser leaves to
	 * us; at it, fine. */
	for (i = 0; i < 257; i++)
		memcpy(deep + 3 * i, "<a>", 3);
	deep[3 * 257] = '\0';
	T_INT(umws__xml_check(&g, deep, strlen(deep), why, sizeof(why)), -1);
	T_TRUE(strstr(why, "depth") != NULL);
	for (i = 0; i < 256; i++)
		memcpy(deep + 3 * 256 + 4 * i, "</a>", 4);
	deep[3 * 256 + 4 * 256] = '\0';
	T_INT(umws__xml_check(&g, deep, strlen(deep), why, sizeof(why)), 0);

	/* Thousands of new names, body after body: still right. */
	for (i = 0, want = 0; i < 5000; i++) {
		snprintf(names, sizeof(names), "<n%zu><m%zu/></n%zu>", i, i,
			 i);
		want += umws__xml_check(&g, names, strlen(names), why,
					sizeof(why)) != 0;
	}
	T_INT(want, 0);
	T_INT(umws__xml_check(&g, bodies[1], strlen(bodies[1]), why,
			      sizeof(why)), -1);
	umws__xmlguard_free(g);
}

/* Bodies that all pass, each with new long names, must not pile up in
 * a kept parser (its dictionary): the heap stays within a bound. */
static void kept_parser_memory_is_bounded(void)
{
	struct xmlguard *g = NULL;
	char *body = malloc(4096), why[128];
	size_t before, after;
	int i, fails = 0;

	T_TRUE(body != NULL);
	if (!body)
		return;
	T_INT(umws__xml_check(&g, "<E/>", 4, why, sizeof(why)), 0);
	before = mallinfo2().uordblks;
	for (i = 0; i < 3000; i++) {
		snprintf(body, 4096, "<n%d%0900d xmlns=\"urn:%d%0900d\"/>", i,
			 0, i, 0);
		fails += umws__xml_check(&g, body, strlen(body), why,
					 sizeof(why)) != 0;
	}
	after = mallinfo2().uordblks;
	T_INT(fails, 0);
	/* 3000 bodies carry 5.4 MB of new names */
	T_TRUE(after < before + 1024 * 1024);
	umws__xmlguard_free(g);
	free(body);
}

/* A kept guard passes a body byte-identical to the last one that passed
 * without parsing it again; anything else gets a full check: other
 * bytes of the same length, a prefix, the same bytes under other limits,
 * and a body that failed, which is never remembered. */
static void only_the_same_bytes_skip_the_check(void)
{
	static const struct xmlguard_limits roomy = { 64, 0, 256 };
	static const struct xmlguard_limits tight = { 1, 0, 256 };
	static const char good[] =
		"<s:E xmlns:s=\"urn:s\" a=\"1\"><s:B>1</s:B></s:E>";
	struct xmlguard *g = umws__xmlguard_new();
	size_t n = sizeof(good) - 1;
	char bad[sizeof(good)], why[128];

	T_TRUE(g != NULL);
	if (!g)
		return;
	memcpy(bad, good, sizeof(good));
	bad[strstr(good, "</s:B>") - good + 4] = 'C';
	T_INT(umws__xmlguard_check(g, good, n, &roomy, why, sizeof(why)), 0);
	T_INT(umws__xmlguard_check(g, good, n, &roomy, why, sizeof(why)), 0);
	T_STR(why, "");
	T_INT(umws__xmlguard_check(g, bad, n, &roomy, why, sizeof(why)), -1);
	T_TRUE(strstr(why, "mismatch") != NULL);
	T_INT(umws__xmlguard_check(g, bad, n, &roomy, why, sizeof(why)), -1);
	T_INT(umws__xmlguard_check(g, good, n, &roomy, why, sizeof(why)), 0);
	T_INT(umws__xmlguard_check(g, good, n - 7, &roomy, why, sizeof(why)),
	      -1);
	T_INT(umws__xmlguard_check(g, good, n, &roomy, why, sizeof(why)), 0);
	T_INT(umws__xmlguard_check(g, good, n, &tight, why, sizeof(why)), -1);
	T_STR(why, "an element has more than 1 attributes");
	umws__xmlguard_free(g);
}

int main(void)
{
	umws_global_init();
	T_RUN(options_refuse_what_they_must);
	T_RUN(credentials_are_checked_and_made_ntlm_ready);
	T_RUN(null_and_empty_arguments_are_refused);
	T_RUN(non_utf8_and_control_characters_are_refused);
	T_RUN(over_long_call_id_is_refused_before_sending);
	T_RUN(unknown_values_keep_their_text);
	T_RUN(over_long_state_text_is_an_error_not_a_truncation);
	T_RUN(names_and_fault_kinds_map_both_ways);
	T_RUN(play_returns_a_trimmed_call_id);
	T_RUN(empty_call_id_from_the_server_is_an_error);
	T_RUN(play_is_never_sent_twice);
	T_RUN(read_only_calls_retry_once_on_a_dropped_connection);
	T_RUN(guard_refuses_a_second_call_while_one_is_active);
	T_RUN(guard_is_off_by_default);
	T_RUN(wait_reports_each_state_change_once);
	T_RUN(wait_until_stops_at_the_target_or_at_the_end);
	T_RUN(idle_after_placing_means_over);
	T_RUN(waiting_on_an_unknown_call_fails);
	T_RUN(wait_deadline_and_cancel_end_the_wait);
	T_RUN(hangup_disconnects_only_an_active_call);
	T_RUN(hangup_of_a_forgotten_call_succeeds);
	T_RUN(kept_parser_judges_like_a_fresh_one);
	T_RUN(kept_parser_memory_is_bounded);
	T_RUN(only_the_same_bytes_skip_the_check);
	umws_global_cleanup();
	return t_report("unit");
}
