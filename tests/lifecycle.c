/*
 * lifecycle.c - the library against umws-server over TLS and NTLMv2:
 * every operation, and the CallId lifecycle for each outcome the
 * server's dial-string rule offers.
 *
 * usage: lifecycle URL CA_FILE USER [UPN_USER]
 * The password comes from UMWS_TEST_PASSWORD, never from argv.
 */
#include "umws.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *url, *ca, *user, *upn, *password;

#define ENTRY "AAAAAJx2S1rL0QxNp3vFj2yq8EYHAKb4lZ0x9m1Hn3rQ2x7pT1wAAA=="

static umws_client *client_as(const char *who, const char *pw)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;
	char err[256];

	o.url = url;
	o.ca_file = ca;
	o.auth = UMWS_AUTH_NTLM;
	o.user = who;
	o.password = pw;
	o.timeout_ms = 10000;
	if (umws_client_new2(&c, &o, err, sizeof(err)) != UMWS_OK) {
		fprintf(stderr, "client: %s\n", err);
		t_die("cannot create a client");
	}
	return c;
}

static umws_client *client(void)
{
	return client_as(user, password);
}

static void every_setting_round_trips(void)
{
	umws_client *c = client();
	umws_properties p;
	int on = 0;

	T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
	T_INT(on, 1);
	T_INT(umws_set_oof_status(c, 1), UMWS_OK);
	T_INT(umws_set_missed_call_notification(c, 1), UMWS_OK);
	T_INT(umws_set_play_on_phone_dial_string(c, "+1 425 555 0142"),
	      UMWS_OK);
	T_INT(umws_set_telephone_access_folder(c, "AAAAAQ=="), UMWS_OK);
	T_INT(umws_reset_pin(c), UMWS_OK);
	T_INT(umws_get_properties(&p, c), UMWS_OK);
	T_INT(p.oof_status, 1);
	T_INT(p.missed_call_notification, 1);
	T_STR(p.play_on_phone_dial_string, "+1 425 555 0142");
	T_STR(p.telephone_access_folder, "AAAAAQ==");
	T_TRUE(p.telephone_access_numbers[0] != '\0');
	umws_properties_clear(&p);
	T_INT(umws_set_oof_status(c, 0), UMWS_OK);
	T_INT(umws_get_properties(&p, c), UMWS_OK);
	T_INT(p.oof_status, 0);
	umws_properties_clear(&p);
	T_INT(umws_client_connections(c), 1);
	umws_client_free(c);
}

static struct {
	umws_call_state seen[16];
	int n;
} trail;

static void on_progress(const umws_call *call, const umws_call_info *info,
			long elapsed_ms, void *data)
{
	if (trail.n < 16)
		trail.seen[trail.n++] = info->state;
}

static int wait_for(umws_call *call, umws_call_state until)
{
	umws_wait_options w = UMWS_WAIT_OPTIONS_INIT;

	memset(&trail, 0, sizeof(trail));
	w.until = until;
	w.timeout_ms = 20000;
	w.poll_min_ms = 20;
	w.poll_max_ms = 100;
	w.progress = on_progress;
	return umws_call_wait(call, &w);
}

static int saw(umws_call_state s)
{
	for (int i = 0; i < trail.n; i++)
		if (trail.seen[i] == s)
			return 1;
	return 0;
}

static void answered_call_is_followed_and_hung_up(void)
{
	umws_client *c = client();
	umws_call *call = NULL;

	T_INT(umws_call_play(&call, c, ENTRY, "+14255550142"), UMWS_OK);
	T_TRUE(umws_call_id(call) && *umws_call_id(call));
	T_INT(wait_for(call, UMWS_STATE_CONNECTED), UMWS_OK);
	T_INT(umws_call_info_get(call)->state, UMWS_STATE_CONNECTED);
	T_TRUE(saw(UMWS_STATE_CONNECTED));
	T_INT(umws_call_is_over(call), 0);
	T_INT(umws_call_hangup(call), UMWS_OK);
	T_INT(umws_call_is_over(call), 1);
	T_INT(umws_call_refresh(call), UMWS_OK);
	T_STR(umws_call_info_get(call)->state_text, "Disconnected");
	T_STR(umws_call_info_get(call)->cause_text, "None");
	T_INT(umws_call_hangup(call), UMWS_OK);
	umws_call_free(call);
	umws_client_free(c);
}

static void check_unanswered(const char *dial, umws_event_cause cause)
{
	umws_client *c = client();
	umws_call *call = NULL;

	T_INT(umws_call_play(&call, c, ENTRY, dial), UMWS_OK);
	T_INT(wait_for(call, UMWS_STATE_UNKNOWN), UMWS_OK);
	T_INT(umws_call_is_over(call), 1);
	T_INT(umws_call_unanswered(call), 1);
	T_INT(umws_call_info_get(call)->state, UMWS_STATE_DISCONNECTED);
	T_INT(umws_call_info_get(call)->cause, cause);
	T_TRUE(!saw(UMWS_STATE_CONNECTED));
	umws_call_free(call);
	umws_client_free(c);
}

static void busy_no_answer_and_unreachable_end_unanswered(void)
{
	check_unanswered("+1 425 555 0001", UMWS_CAUSE_USER_BUSY);
	check_unanswered("+1 425 555 0002", UMWS_CAUSE_NO_ANSWER);
	check_unanswered("+1 425 555 0003", UMWS_CAUSE_UNAVAILABLE);
}

static void check_refused(const char *entry, const char *dial,
			  umws_fault_kind kind)
{
	umws_client *c = client();
	char *id = NULL;

	T_INT(umws_play_on_phone(&id, c, entry, dial), UMWS_EFAULT);
	T_INT(umws_client_error(c)->fault_kind, kind);
	T_TRUE(umws_client_error(c)->fault_string != NULL);
	T_TRUE(id == NULL);
	umws_client_free(c);
}

static void refused_numbers_and_ids_are_faults(void)
{
	check_refused(ENTRY, "00 44 20 7946 0000", UMWS_FAULT_DIALING_RULES);
	check_refused(ENTRY, "call me <maybe>",
		      UMWS_FAULT_INVALID_PHONE_NUMBER);
	check_refused("not base64 at all!", "+14255550142",
		      UMWS_FAULT_INVALID_OBJECT_ID);
}

static void unknown_and_over_long_call_ids_are_invalid(void)
{
	umws_client *c = client();
	umws_call_info info;
	char big[2001];

	T_INT(umws_get_call_info(&info, c, "bm8gc3VjaCBjYWxs"), UMWS_EFAULT);
	T_INT(umws_client_error(c)->fault_kind, UMWS_FAULT_INVALID_CALL_ID);
	T_STR(umws_client_error(c)->exception_type, "InvalidCallIdException");
	memset(big, 'Q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_INT(umws_get_call_info(&info, c, big), UMWS_EFAULT);
	T_INT(umws_client_error(c)->fault_kind, UMWS_FAULT_INVALID_CALL_ID);
	T_INT(umws_disconnect(c, "bm8gc3VjaCBjYWxs"), UMWS_EFAULT);
	T_INT(umws_client_error(c)->fault_kind, UMWS_FAULT_INVALID_CALL_ID);
	umws_client_free(c);
}

static void a_second_client_resumes_by_call_id(void)
{
	umws_client *a = client(), *b = client();
	umws_call *placed = NULL, *resumed = NULL;

	T_INT(umws_call_play(&placed, a, ENTRY, "+14255550142"), UMWS_OK);
	T_INT(umws_call_attach(&resumed, b, umws_call_id(placed)), UMWS_OK);
	T_INT(umws_call_refresh(resumed), UMWS_OK);
	T_INT(umws_call_hangup(resumed), UMWS_OK);
	T_INT(umws_call_refresh(placed), UMWS_OK);
	T_INT(umws_call_info_get(placed)->state, UMWS_STATE_DISCONNECTED);
	umws_call_free(placed);
	umws_call_free(resumed);
	umws_client_free(a);
	umws_client_free(b);
}

static void the_guard_refuses_a_second_active_call(void)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;
	umws_call *first = NULL, *second = NULL;

	o.url = url;
	o.ca_file = ca;
	o.auth = UMWS_AUTH_NTLM;
	o.user = user;
	o.password = password;
	o.one_call_guard = 1;
	T_INT(umws_client_new(&c, &o), UMWS_OK);
	T_INT(umws_call_play(&first, c, ENTRY, "+14255550142"), UMWS_OK);
	T_INT(umws_call_play(&second, c, ENTRY, "+14255550142"), UMWS_EBUSY);
	T_TRUE(second == NULL);
	T_INT(umws_call_hangup(first), UMWS_OK);
	T_INT(umws_call_play(&second, c, ENTRY, "+14255550142"), UMWS_OK);
	T_INT(umws_call_hangup(second), UMWS_OK);
	umws_call_free(first);
	umws_call_free(second);
	umws_client_free(c);
}

static void wrong_password_is_an_auth_error(void)
{
	umws_client *c = client_as(user, "not-the-password");
	const umws_error *e;
	int on;

	T_INT(umws_is_um_enabled(&on, c), UMWS_EAUTH);
	e = umws_client_error(c);
	T_INT(e->http_status, 401);
	T_TRUE(strstr(e->message, "not-the-password") == NULL);
	umws_client_free(c);
}

static void upn_user_form_works(void)
{
	umws_client *c;
	int on = 0;

	if (!upn)
		return;
	c = client_as(upn, password);
	T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
	T_INT(on, 1);
	umws_client_free(c);
}

/* NTLM hashes the UTF-16 of the password: a Latin-1 one must work. */
static void non_ascii_password_authenticates(void)
{
	umws_client *c;
	int on = 0;

	c = client_as("EXAMPLE\\latin", "p\xc3\xa4ssw\xc3\xb6rd");
	T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
	T_INT(on, 1);
	umws_client_free(c);
}

int main(int argc, char **argv)
{
	if (argc < 4)
		t_die("usage: lifecycle URL CA_FILE USER [UPN_USER]");
	url = argv[1];
	ca = argv[2];
	user = argv[3];
	upn = argc > 4 ? argv[4] : NULL;
	password = getenv("UMWS_TEST_PASSWORD");
	if (!password)
		t_die("UMWS_TEST_PASSWORD is not set");
	umws_global_init();
	T_RUN(every_setting_round_trips);
	T_RUN(answered_call_is_followed_and_hung_up);
	T_RUN(busy_no_answer_and_unreachable_end_unanswered);
	T_RUN(refused_numbers_and_ids_are_faults);
	T_RUN(unknown_and_over_long_call_ids_are_invalid);
	T_RUN(a_second_client_resumes_by_call_id);
	T_RUN(the_guard_refuses_a_second_active_call);
	T_RUN(wrong_password_is_an_auth_error);
	T_RUN(upn_user_form_works);
	T_RUN(non_ascii_password_authenticates);
	umws_global_cleanup();
	return t_report("lifecycle");
}
