/*
 * threads.c - several threads, each with its own client, driving
 * umws-server at once; built with -fsanitize=thread by make check-tsan.
 *
 * usage: threads URL CA_FILE USER_PREFIX NTHREADS
 * Thread i logs in as USER_PREFIX followed by i (the server allows one
 * active call per user); the password comes from UMWS_TEST_PASSWORD.
 */
#include "umws.h"
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static const char *url, *ca, *user, *password;

struct worker {
	pthread_t tid;
	int index;
	int failures;
	char user[128];
};

static int one_round(umws_client *c, int index)
{
	umws_wait_options w = UMWS_WAIT_OPTIONS_INIT;
	umws_properties p;
	umws_call *call = NULL;
	char dial[32];
	int on, bad = 0;

	bad += umws_is_um_enabled(&on, c) != UMWS_OK || !on;
	bad += umws_get_properties(&p, c) != UMWS_OK;
	umws_properties_clear(&p);
	snprintf(dial, sizeof(dial), "+1 425 555 %04d", 100 + index);
	bad += umws_call_play(&call, c, "AAAA", dial) != UMWS_OK;
	w.until = UMWS_STATE_ALERTED;
	w.poll_min_ms = 10;
	w.timeout_ms = 20000;
	bad += call && umws_call_wait(call, &w) != UMWS_OK;
	bad += call && umws_call_hangup(call) != UMWS_OK;
	umws_call_free(call);
	return bad;
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;

	o.url = url;
	o.ca_file = ca;
	o.auth = UMWS_AUTH_NTLM;
	o.user = wk->user;
	o.password = password;
	if (umws_client_new(&c, &o) != UMWS_OK) {
		wk->failures++;
		return NULL;
	}
	for (int i = 0; i < 3; i++)
		wk->failures += one_round(c, wk->index);
	if (wk->failures)
		fprintf(stderr, "thread %d: %s\n", wk->index,
			umws_client_error(c)->message);
	umws_client_free(c);
	return NULL;
}

int main(int argc, char **argv)
{
	struct worker wk[16];
	int n;

	if (argc != 5 || !getenv("UMWS_TEST_PASSWORD"))
		t_die("usage: threads URL CA_FILE USER_PREFIX NTHREADS");
	url = argv[1];
	ca = argv[2];
	user = argv[3];
	password = getenv("UMWS_TEST_PASSWORD");
	n = atoi(argv[4]);
	if (n < 1 || n > 16)
		t_die("NTHREADS is 1 to 16");
	umws_global_init();
	for (int i = 0; i < n; i++) {
		wk[i].index = i;
		wk[i].failures = 0;
		snprintf(wk[i].user, sizeof(wk[i].user), "%s%d", user, i);
		if (pthread_create(&wk[i].tid, NULL, work, &wk[i]))
			t_die("pthread_create failed");
	}
	for (int i = 0; i < n; i++) {
		pthread_join(wk[i].tid, NULL);
		t_case = "thread";
		T_INT(wk[i].failures, 0);
	}
	umws_global_cleanup();
	return t_report("threads");
}
