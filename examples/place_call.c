/*
 * place_call.c - ring a phone, play a voice mail on it, follow the call
 * to its end.
 *
 *   UMWS_PASSWORD=... ./place_call URL CA_FILE USER ENTRY_ID DIAL_STRING
 *
 * Build against the installed library:
 *   cc place_call.c $(pkg-config --cflags --libs umws) -o place_call
 */
#include <stdio.h>
#include <stdlib.h>

#include <umws.h>

/* Called by umws_call_wait() each time the call changes state. */
static void progress(const umws_call *call, const umws_call_info *info,
		     long elapsed_ms, void *data)
{
	(void)call;	/* the same call each time here, and no data */
	(void)data;
	printf("%6.1f s  %s\n", elapsed_ms / 1000.0,
	       umws_call_state_name(info->state));
}

static int fail(umws_client *c, const char *what)
{
	fprintf(stderr, "place_call: %s: %s\n", what,
		umws_client_error(c)->message);
	return 1;
}

static int follow(umws_client *c, const char *entry_id, const char *dial)
{
	umws_wait_options wait = UMWS_WAIT_OPTIONS_INIT;
	const umws_call_info *info;
	umws_call *call;

	if (umws_call_play(&call, c, entry_id, dial) != UMWS_OK)
		return fail(c, "PlayOnPhone");
	/* Store this id to resume the call later (see resume_call.c). */
	printf("CallId %s\n", umws_call_id(call));

	/* A state of UNKNOWN means: wait until the call is over. */
	wait.timeout_ms = 120 * 1000;
	wait.progress = progress;
	if (umws_call_wait(call, &wait) != UMWS_OK) {
		fail(c, "waiting for the call");
		/* Freeing the object would leave the phone ringing. */
		umws_call_hangup(call);
		umws_call_free(call);
		return 1;
	}

	info = umws_call_info_get(call);
	printf("ended %s, cause %s%s\n", umws_call_state_name(info->state),
	       umws_event_cause_name(info->cause),
	       umws_call_unanswered(call) ? " (not answered)" : "");
	umws_call_free(call);
	return 0;
}

int main(int argc, char **argv)
{
	umws_options opts = UMWS_OPTIONS_INIT;
	umws_client *c;
	char why[256];
	int rc;

	if (argc != 6) {
		fprintf(stderr, "usage: place_call URL CA_FILE USER ENTRY_ID "
			"DIAL_STRING (password in UMWS_PASSWORD)\n");
		return 2;
	}
	if (umws_global_init() != UMWS_OK)
		return 1;

	/* The library copies these strings; opts may go away after _new. */
	opts.url = argv[1];
	opts.ca_file = argv[2];
	opts.auth = UMWS_AUTH_NTLM;
	opts.user = argv[3];
	/* Never on the command line, where ps(1) would show it. */
	opts.password = getenv("UMWS_PASSWORD");
	if (umws_client_new2(&c, &opts, why, sizeof(why)) != UMWS_OK) {
		fprintf(stderr, "place_call: %s\n", why);
		umws_global_cleanup();
		return 1;
	}

	rc = follow(c, argv[4], argv[5]);
	umws_client_free(c);
	umws_global_cleanup();
	return rc;
}
