/*
 * fuzz_response.c - libFuzzer target over response handling: the
 * well-formedness check, gSOAP's deserializers, and our fault, enum and
 * value mapping, fed through the HTTP exchange hook (no network).
 *
 * Input: byte 0 picks the operation, byte 1 the HTTP status (200 or
 * 500), the rest is the response body. Built with -DUMWS_FUZZ_REPLAY it
 * is a plain program that replays files, so every finding stays a test.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct input {
	const uint8_t *body;
	size_t len;
	long status;
};

static int exchange(void *data, const char *action, const char *req,
		    size_t req_len, char **resp, size_t *resp_len,
		    long *status)
{
	const struct input *in = data;

	*resp = malloc(in->len ? in->len : 1);
	if (!*resp)
		return UMWS_ENOMEM;
	memcpy(*resp, in->body, in->len);
	*resp_len = in->len;
	*status = in->status;
	return UMWS_OK;
}

/* Whatever the body, a result is either a clean error or sane values. */
static void check_result(umws_client *c, int rc)
{
	const umws_error *e = umws_client_error(c);

	if (rc != UMWS_OK && (e->code != rc || !e->message || !*e->message))
		abort();
	if (rc == UMWS_EFAULT && e->fault_kind == UMWS_FAULT_NONE)
		abort();
}

static void run_op(umws_client *c, unsigned int op)
{
	umws_call_info info;
	umws_properties p;
	char *id = NULL;
	int on, rc;

	switch (op % 5) {
	case 0:
		rc = umws_get_call_info(&info, c, "Y2FsbA==");
		if (rc == UMWS_OK && !info.state_text[0])
			abort();
		break;
	case 1:
		rc = umws_play_on_phone(&id, c, "AAAA", "4200");
		if (rc == UMWS_OK && (!id || !*id))
			abort();
		umws_free(id);
		break;
	case 2:
		rc = umws_is_um_enabled(&on, c);
		break;
	case 3:
		rc = umws_get_properties(&p, c);
		umws_properties_clear(&p);
		break;
	default:
		rc = umws_disconnect(c, "Y2FsbA==");
		break;
	}
	check_result(c, rc);
}

static umws_client *c;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;

	if (!c) {
		umws_options o = UMWS_OPTIONS_INIT;

		umws_global_init();
		o.url = "https://um.example/EWS/UM2007Legacy.asmx";
		if (umws_client_new(&c, &o) != UMWS_OK)
			abort();
	}
	if (size < 2)
		return 0;
	in.body = data + 2;
	in.len = size - 2;
	in.status = data[1] & 1 ? 500 : 200;
	umws__set_exchange(c, exchange, &in);
	run_op(c, data[0]);
	return 0;
}

#ifdef UMWS_FUZZ_REPLAY
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		static uint8_t buf[1 << 20];
		size_t n;

		if (!f) {
			fprintf(stderr, "fuzz_replay: cannot open %s\n",
				argv[i]);
			return 2;
		}
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
	}
	printf("fuzz_replay: %d inputs, no crash\n", argc - 1);
	umws_client_free(c);
	umws_global_cleanup();
	return 0;
}
#endif
