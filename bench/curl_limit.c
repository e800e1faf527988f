/*
 * curl_limit.c - the limit of umws's own stack: libcurl posting the
 * request body umws sends (captured by umws_bench capture), with the
 * same headers and options, on one authenticated keep-alive NTLM
 * connection. Responses are only checked for HTTP 200 and a body;
 * there is no SOAP work at all.
 *
 * usage: curl_limit URL CA_FILE USER BODY_FILE N  (password in
 *	  UMWS_BENCH_PASSWORD)
 */
#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACTION "http://schemas.microsoft.com/exchange/services/2006/" \
	"messages/GetCallInfo"

struct sink {
	char *buf;
	size_t len, cap;
};

static size_t on_body(char *in, size_t size, size_t n, void *data)
{
	struct sink *s = data;
	size_t len = size * n;

	if (s->len + len > s->cap) {
		size_t cap = (s->len + len) * 2;
		char *p = realloc(s->buf, cap);

		if (!p)
			return 0;
		s->buf = p;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, in, len);
	s->len += len;
	return len;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(65536);

	if (!f || !buf) {
		perror(path);
		exit(1);
	}
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

/* What umws's transport sets (src/transport.c), minus the callbacks. */
static struct curl_slist *setup(CURL *h, char **argv, const char *body,
				size_t len, struct sink *s)
{
	static const char *lines[] = {
		"Content-Type: text/xml; charset=utf-8",
		"SOAPAction: \"" ACTION "\"", "Expect:", "Accept: text/xml"
	};
	struct curl_slist *hdr = NULL;

	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		hdr = curl_slist_append(hdr, lines[i]);
	curl_easy_setopt(h, CURLOPT_URL, argv[1]);
	curl_easy_setopt(h, CURLOPT_CAINFO, argv[2]);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_NTLM);
	curl_easy_setopt(h, CURLOPT_USERNAME, argv[3]);
	curl_easy_setopt(h, CURLOPT_PASSWORD, getenv("UMWS_BENCH_PASSWORD"));
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "umws/0.1.0");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	return hdr;
}

static long post(CURL *h, struct sink *s)
{
	long status = 0, conns = 0;
	CURLcode rc;

	s->len = 0;
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &conns);
	if (rc != CURLE_OK || status != 200 || !s->len) {
		fprintf(stderr, "curl_limit: %s, http %ld\n",
			curl_easy_strerror(rc), status);
		exit(1);
	}
	return conns;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sink s = { NULL, 0, 0 };
	struct curl_slist *hdr;
	long n, conns;
	size_t len;
	char *body;
	CURL *h;
	double t;

	if (argc != 6 || !getenv("UMWS_BENCH_PASSWORD")) {
		fprintf(stderr, "usage: curl_limit URL CA_FILE USER BODY_FILE "
			"N (password in UMWS_BENCH_PASSWORD)\n");
		return 2;
	}
	n = atol(argv[5]);
	body = slurp(argv[4], &len);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_easy_init();
	hdr = setup(h, argv, body, len, &s);
	conns = post(h, &s);
	t = now();
	for (long i = 0; i < n; i++)
		conns += post(h, &s);
	t = now() - t;
	printf("calls %ld\nseconds %.6f\nconnections %ld\n", n, t, conns);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	curl_global_cleanup();
	free(body);
	free(s.buf);
	return 0;
}
