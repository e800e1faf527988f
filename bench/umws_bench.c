/*
 * umws_bench.c - GetCallInfo in a loop through the public API, timed.
 * bench/run.py starts umws-server and reads the "key value" lines this
 * prints.
 *
 * usage: umws_bench MODE URL CA_FILE USER ARGS...  (password in
 *	  UMWS_BENCH_PASSWORD)
 *   place                 PlayOnPhone; prints "call_id ID"
 *   capture CALL_ID REQ RESP
 *                         writes the GetCallInfo body umws sends to REQ
 *                         and the one the server answers to RESP
 *   end CALL_ID           Disconnect
 *   keepalive CALL_ID N   one client, one connection, N calls
 *   alternate CALL_ID OTHER_ID N
 *                         the same, polling the two calls in turn
 *   reconnect CALL_ID N   a new client (TLS + NTLM) for every call
 *   threads CALL_ID N T   T threads, a client each, N calls in all
 *   rss CALL_ID N1 N2     VmRSS after N1 and after N2 calls
 */
#include "umws.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ENTRY_ID "AAAAAJx2S1rL0QxNp3vFj2yq8EYHAKb4lZ0x9m1Hn3rQ2x7pT1wAAAA="
#define DIAL "+14255550142"

static umws_options opts = UMWS_OPTIONS_INIT;
static const char *call_id;

static void die(const char *what, umws_client *c)
{
	const umws_error *e = umws_client_error(c);

	fprintf(stderr, "umws_bench: %s: %s\n", what, e->message);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static umws_client *client(void)
{
	umws_client *c = NULL;

	if (umws_client_new(&c, &opts) != UMWS_OK)
		die("client", c);
	return c;
}

/* n polls of call_id, or of call_id and other in turn. */
static void polls(umws_client *c, long n, const char *other)
{
	umws_call_info info;

	for (long i = 0; i < n; i++)
		if (umws_get_call_info(&info, c, other && i % 2 ? other :
				       call_id) != UMWS_OK)
			die("GetCallInfo", c);
}

static void calls(umws_client *c, long n)
{
	polls(c, n, NULL);
}

static void report(long n, double secs, long conns)
{
	printf("calls %ld\nseconds %.6f\nconnections %ld\n", n, secs, conns);
}

static void place(void)
{
	umws_client *c = client();
	char *id = NULL;

	if (umws_play_on_phone(&id, c, ENTRY_ID, DIAL) != UMWS_OK)
		die("PlayOnPhone", c);
	printf("call_id %s\n", id);
	umws_free(id);
	umws_client_free(c);
}

static void end_call(void)
{
	umws_client *c = client();

	if (umws_disconnect(c, call_id) != UMWS_OK)
		die("Disconnect", c);
	umws_client_free(c);
}

/* ---- capture: the bodies at UMWS_LOG_TRACE ----------------------- */

struct body {
	const char *tag;
	char text[16384];
	int seen, cut;
};

static void on_log(umws_log_level level, const char *msg, void *data)
{
	struct body *b = data;

	if (level != UMWS_LOG_TRACE)
		return;
	for (; b->tag; b++) {
		size_t tag = strlen(b->tag), len;

		if (strncmp(msg, b->tag, tag))
			continue;
		len = strlen(msg + tag);
		/* The log line is capped at 1023 bytes: a full one may
		 * be cut. */
		b->cut = len >= 1023 - tag || len >= sizeof(b->text);
		snprintf(b->text, sizeof(b->text), "%s", msg + tag);
		b->seen = 1;
	}
}

static void write_body(const struct body *b, const char *path)
{
	size_t len = strlen(b->text);
	FILE *f;

	if (!b->seen || b->cut) {
		fprintf(stderr, "umws_bench: %sbody not captured\n", b->tag);
		exit(1);
	}
	f = fopen(path, "wb");
	if (!f || fwrite(b->text, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* The GetCallInfo request umws sends, for the limit, and the response
 * umws-server gives, for bench/ipc. */
static void capture(const char *req_path, const char *resp_path)
{
	struct body b[] = { { .tag = "request: " }, { .tag = "response: " },
			    { .tag = NULL } };
	umws_client *c;

	opts.log_cb = on_log;
	opts.log_data = b;
	opts.log_level = UMWS_LOG_TRACE;
	c = client();
	calls(c, 1);
	umws_client_free(c);
	write_body(&b[0], req_path);
	write_body(&b[1], resp_path);
	printf("bytes %zu %zu\n", strlen(b[0].text), strlen(b[1].text));
}

/* ---- the timed modes ---------------------------------------------- */

/* The first call opens and authenticates the connection; the loop
 * measures the steady state after it, like the libcurl limit. With
 * other, the ringing call and one that has ended are polled in turn: no
 * request is the one written last, and no response the one read last. */
static void keepalive(long n, const char *other)
{
	umws_client *c = client();
	double t;

	calls(c, 1);
	t = now();
	polls(c, n, other);
	t = now() - t;
	report(n, t, umws_client_connections(c));
	umws_client_free(c);
}

static void reconnect(long n)
{
	double t = now();

	for (long i = 0; i < n; i++) {
		umws_client *c = client();

		calls(c, 1);
		umws_client_free(c);
	}
	report(n, now() - t, n);
}

static long vm_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static void rss(long n1, long n2)
{
	umws_client *c = client();

	calls(c, n1);
	printf("rss_kib_%ld %ld\n", n1, vm_rss_kib());
	calls(c, n2 - n1);
	printf("rss_kib_%ld %ld\n", n2, vm_rss_kib());
	printf("connections %ld\n", umws_client_connections(c));
	umws_client_free(c);
}

/* ---- threads ------------------------------------------------------ */

struct worker {
	pthread_t tid;
	long n;
	umws_client *c;
	pthread_barrier_t *start;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	calls(w->c, 1);
	pthread_barrier_wait(w->start);
	calls(w->c, w->n);
	return NULL;
}

static void threads(long n, int t)
{
	struct worker w[64];
	pthread_barrier_t start;
	long conns = 0;
	double t0;

	if (t < 1 || t > 64)
		exit(2);
	pthread_barrier_init(&start, NULL, (unsigned)t + 1);
	for (int i = 0; i < t; i++) {
		w[i].n = n / t;
		w[i].c = client();
		w[i].start = &start;
		pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
	}
	pthread_barrier_wait(&start);
	t0 = now();
	for (int i = 0; i < t; i++)
		pthread_join(w[i].tid, NULL);
	t0 = now() - t0;
	for (int i = 0; i < t; i++) {
		conns += umws_client_connections(w[i].c);
		umws_client_free(w[i].c);
	}
	pthread_barrier_destroy(&start);
	report(n / t * t, t0, conns);
}

static void run(const char *mode, int argc, char **argv)
{
	if (!strcmp(mode, "place") && argc == 0)
		place();
	else if (!strcmp(mode, "capture") && argc == 3)
		capture(argv[1], argv[2]);
	else if (!strcmp(mode, "end") && argc == 1)
		end_call();
	else if (!strcmp(mode, "keepalive") && argc == 2)
		keepalive(atol(argv[1]), NULL);
	else if (!strcmp(mode, "alternate") && argc == 3)
		keepalive(atol(argv[2]), argv[1]);
	else if (!strcmp(mode, "reconnect") && argc == 2)
		reconnect(atol(argv[1]));
	else if (!strcmp(mode, "threads") && argc == 3)
		threads(atol(argv[1]), atoi(argv[2]));
	else if (!strcmp(mode, "rss") && argc == 3)
		rss(atol(argv[1]), atol(argv[2]));
	else {
		fprintf(stderr, "umws_bench: bad mode or arguments\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if (argc < 5 || !getenv("UMWS_BENCH_PASSWORD")) {
		fprintf(stderr, "usage: umws_bench MODE URL CA_FILE USER "
			"ARGS... (password in UMWS_BENCH_PASSWORD)\n");
		return 2;
	}
	opts.url = argv[2];
	opts.ca_file = argv[3];
	opts.user = argv[4];
	opts.auth = UMWS_AUTH_NTLM;
	opts.password = getenv("UMWS_BENCH_PASSWORD");
	call_id = argc > 5 ? argv[5] : NULL;
	if (umws_global_init() != UMWS_OK)
		return 1;
	run(argv[1], argc - 5, argv + 5);
	fflush(stdout);
	umws_global_cleanup();
	return 0;
}
