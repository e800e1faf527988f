/*
 * resume_call.c - pick up a call placed earlier, perhaps by another
 * process, from its stored CallId, and hang it up.
 *
 *   UMWS_PASSWORD=... ./resume_call URL CA_FILE USER CALL_ID
 *
 * Build against the installed library:
 *   cc resume_call.c $(pkg-config --cflags --libs umws) -o resume_call
 */
#include <stdio.h>
#include <stdlib.h>

#include <umws.h>

static int fail(umws_client *c, const char *what)
{
	fprintf(stderr, "resume_call: %s: %s\n", what,
		umws_client_error(c)->message);
	return 1;
}

static void show(const char *when, const umws_call *call)
{
	const umws_call_info *info = umws_call_info_get(call);

	printf("%s: %s, cause %s\n", when, umws_call_state_name(info->state),
	       umws_event_cause_name(info->cause));
}

static int hang_up(umws_client *c, const char *call_id)
{
	umws_call *call;
	int rc = 0;

	/* Attaching sends nothing: the id is only checked and copied. */
	if (umws_call_attach(&call, c, call_id) != UMWS_OK)
		return fail(c, "attaching");

	if (umws_call_refresh(call) == UMWS_OK)
		show("now", call);
	else if (umws_client_error(c)->fault_kind ==
		 UMWS_FAULT_INVALID_CALL_ID)
		/* The server forgot the call: it ended long ago. */
		printf("the server no longer knows this call\n");
	else
		rc = fail(c, "GetCallInfo");

	/* Safe to repeat: a call that is already over counts as hung up. */
	if (rc == 0 && umws_call_hangup(call) != UMWS_OK)
		rc = fail(c, "hanging up");
	if (rc == 0 && umws_call_refresh(call) == UMWS_OK)
		show("after hanging up", call);

	umws_call_free(call);
	return rc;
}

int main(int argc, char **argv)
{
	umws_options opts = UMWS_OPTIONS_INIT;
	umws_client *c;
	char why[256];
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: resume_call URL CA_FILE USER CALL_ID "
			"(password in UMWS_PASSWORD)\n");
		return 2;
	}
	if (umws_global_init() != UMWS_OK)
		return 1;

	opts.url = argv[1];
	opts.ca_file = argv[2];
	opts.auth = UMWS_AUTH_NTLM;
	opts.user = argv[3];
	/* Never on the command line, where ps(1) would show it. */
	opts.password = getenv("UMWS_PASSWORD");
	if (umws_client_new2(&c, &opts, why, sizeof(why)) != UMWS_OK) {
		fprintf(stderr, "resume_call: %s\n", why);
		umws_global_cleanup();
		return 1;
	}

	rc = hang_up(c, argv[4]);
	umws_client_free(c);
	umws_global_cleanup();
	return rc;
}
