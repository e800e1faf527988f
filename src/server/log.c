/* umws-server: diagnostics, base64 and clocks shared by the other files. */
#include "server.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

int srv_verbose;
_Atomic int srv_stopping;

/* Seconds from 1601-01-01 (FILETIME epoch) to 1970-01-01. */
#define FILETIME_UNIX_OFFSET 11644473600ULL

static void vlog(const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	/* One fprintf per line keeps lines of concurrent threads whole. */
	fprintf(stderr, SRV_NAME ": %s\n", line);
}

void srv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void srv_debug(const char *fmt, ...)
{
	va_list ap;

	if (!srv_verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

double srv_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

uint64_t srv_filetime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + FILETIME_UNIX_OFFSET) * 10000000ULL +
		(uint64_t)ts.tv_nsec / 100;
}

static int b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Strict: whole quads, only the alphabet, '=' only as final padding.
 * EVP_DecodeBlock alone would accept sloppy input. */
int srv_b64_valid(const char *in)
{
	size_t n = strlen(in), i, pad = 0;

	if (n == 0 || n % 4)
		return 0;
	while (pad < 2 && in[n - 1 - pad] == '=')
		pad++;
	for (i = 0; i < n - pad; i++)
		if (!b64_char(in[i]))
			return 0;
	return 1;
}

int srv_b64_decode(const char *in, unsigned char *out, size_t cap,
		   size_t *outlen)
{
	size_t n = strlen(in), pad = 0;
	int got;

	if (!srv_b64_valid(in) || n / 4 * 3 > cap)
		return -1;
	got = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
	if (got < 0)
		return -1;
	while (pad < 2 && in[n - 1 - pad] == '=')
		pad++;
	*outlen = (size_t)got - pad;
	return 0;
}

/* Returns malloc'd text or NULL. */
char *srv_b64_encode(const unsigned char *in, size_t len)
{
	char *out = malloc(4 * ((len + 2) / 3) + 1);

	if (out)
		EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

/* Written beside and renamed, so a reader never sees half a file.
 * 0, or a negative errno that says why not. */
int srv_write_file(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;
	int err = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path,
			     (long)getpid()) >= sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	if (fputs(text, f) < 0)
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) != 0)
		err = errno;
	if (err)
		unlink(tmp);
	return -err;
}
