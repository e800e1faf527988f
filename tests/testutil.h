/* testutil.h - a small harness: checks that print expected and actual */
#ifndef UMWS_TESTUTIL_H
#define UMWS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failed, t_checks;
static const char *t_case = "";

static inline void t_die(const char *msg)
{
	fprintf(stderr, "fatal: %s\n", msg);
	exit(2);
}

#define T_RUN(fn) do { t_case = #fn; fn(); } while (0)

#define T_FAIL(fmt, ...) do { \
	t_failed++; \
	fprintf(stderr, "FAIL %s (%s:%d): " fmt "\n", t_case, __FILE__, \
		__LINE__, __VA_ARGS__); \
} while (0)

#define T_INT(got, want) do { \
	long g_ = (long)(got), w_ = (long)(want); \
	t_checks++; \
	if (g_ != w_) \
		T_FAIL("%s: expected %ld, got %ld", #got, w_, g_); \
} while (0)

#define T_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	t_checks++; \
	if (!g_ || !w_ || strcmp(g_, w_) != 0) \
		T_FAIL("%s: expected \"%s\", got \"%s\"", #got, \
		       w_ ? w_ : "(null)", g_ ? g_ : "(null)"); \
} while (0)

#define T_TRUE(cond) do { \
	t_checks++; \
	if (!(cond)) \
		T_FAIL("expected %s", #cond); \
} while (0)

static inline int t_report(const char *suite)
{
	printf("%s: %d checks, %d failed\n", suite, t_checks, t_failed);
	return t_failed ? 1 : 0;
}

static inline char *t_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static inline int t_write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc;

	if (!f)
		return -1;
	rc = fwrite(data, 1, len, f) == len ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

#endif
