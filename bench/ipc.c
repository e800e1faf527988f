/*
 * ipc.c - the client's own work per GetCallInfo, without a network:
 * the HTTP exchange is replaced (umws__set_exchange) by a copy of a
 * canned response, so only building, serialising and parsing remain.
 * bench/run.py runs it under callgrind with --toggle-collect=measured,
 * which counts the instructions of measured() alone.
 *
 * With "differ", every other response has a newline more at its end, so
 * no response is byte-identical to the one before and the client's
 * libxml2 check (src/xmlguard.c) reads each one in full; without it the
 * same response comes back each time, as to a client polling a call.
 * "cold" is "differ" with two CallIds polled in turn, so that no request
 * is the one written last either (src/ops.c): none of the shortcuts of
 * a poll applies.
 *
 * usage: ipc RESPONSE_FILE N [differ|cold]
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CALL_ID "NzVmNDA4MmItMWVlYS00YzFmLTZjMGYtODgwMDg1ZDhiNTc0fHZt"
#define OTHER_ID "MjlkYzE0ODYtYjQ0Zi00ZWUxLTc1YzEtOGFkNDA2ZTYwMzhmfHZt"

static int cold;

struct canned {
	char *body;
	size_t len;
	int differ;
	unsigned long calls;
};

static int exchange(void *data, const char *action, const char *req,
		    size_t req_len, char **resp, size_t *resp_len,
		    long *status)
{
	struct canned *k = data;
	size_t more = k->differ && k->calls++ % 2;

	*resp = malloc(k->len + 2);
	if (!*resp)
		return UMWS_ENOMEM;
	memcpy(*resp, k->body, k->len);
	if (more)
		(*resp)[k->len] = '\n';
	(*resp)[k->len + more] = '\0';
	*resp_len = k->len + more;
	*status = 200;
	return UMWS_OK;
}

static void load(struct canned *k, const char *path)
{
	FILE *f = fopen(path, "rb");

	k->body = malloc(65536);
	if (!f || !k->body) {
		perror(path);
		exit(1);
	}
	k->len = fread(k->body, 1, 65535, f);
	k->body[k->len] = '\0';
	fclose(f);
}

static void calls(umws_client *c, long n)
{
	umws_call_info info;

	for (long i = 0; i < n; i++)
		if (umws_get_call_info(&info, c, cold && i % 2 ? OTHER_ID :
				       CALL_ID) != UMWS_OK ||
		    info.state == UMWS_STATE_UNKNOWN) {
			fprintf(stderr, "ipc: GetCallInfo: %s\n",
				umws_client_error(c)->message);
			exit(1);
		}
}

/* Not inlined: callgrind counts by this function's name. */
__attribute__((noinline)) void measured(umws_client *c, long n);
__attribute__((noinline)) void measured(umws_client *c, long n)
{
	calls(c, n);
}

int main(int argc, char **argv)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;
	struct canned k = { 0 };

	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "differ") &&
				     strcmp(argv[3], "cold"))) {
		fprintf(stderr, "usage: ipc RESPONSE_FILE N [differ|cold]\n");
		return 2;
	}
	load(&k, argv[1]);
	k.differ = argc == 4;
	cold = argc == 4 && !strcmp(argv[3], "cold");
	o.url = "https://um.example/EWS/UM2007Legacy.asmx";
	umws_global_init();
	if (umws_client_new(&c, &o) != UMWS_OK)
		return 1;
	umws__set_exchange(c, exchange, &k);
	/* The first call pays for one-time set-up; it is not counted. */
	calls(c, 1);
	measured(c, atol(argv[2]));
	printf("calls %ld\n", atol(argv[2]));
	umws_client_free(c);
	umws_global_cleanup();
	free(k.body);
	return 0;
}
