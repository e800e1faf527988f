/* credentials.c - checks the URL, user and password a client is given */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longer than any Windows account name, UPN or password. */
#define CREDENTIAL_MAX 1024

static int bad(char *errbuf, size_t errlen, const char *msg)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", msg);
	return UMWS_EINVAL;
}

/*
 * A user or password inside the URL would bypass the rule that
 * credentials never travel over plain http unless asked, and would show
 * in libcurl's verbose log. libcurl's own parser finds them.
 */
int umws__check_url_parts(const char *url, char *errbuf, size_t errlen)
{
	CURLU *u = curl_url();
	char *user = NULL, *password = NULL;
	int rc = UMWS_OK;

	if (!u)
		return UMWS_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		rc = bad(errbuf, errlen, "the url is malformed");
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
		 curl_url_get(u, CURLUPART_PASSWORD, &password, 0) ==
		 CURLUE_OK)
		rc = bad(errbuf, errlen, "the url must not carry a user or "
			 "password: give them as options");
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(u);
	return rc;
}

/* The code point at *s (valid UTF-8, checked before), and its length. */
static unsigned int decode(const unsigned char *s, size_t *n)
{
	static const unsigned char lead_bits[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned int cp;

	*n = s[0] < 0x80 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	cp = s[0] & lead_bits[*n];
	for (size_t i = 1; i < *n; i++)
		cp = (cp << 6) | (s[i] & 0x3fu);
	return cp;
}

/* Latin-1 upper case, as Windows upper-cases a user name for NTLMv2:
 * every small letter from U+00E0 has its capital 0x20 lower, but for
 * the division sign; U+00FF's capital is outside Latin-1. */
static int upper_latin1(unsigned int *cp)
{
	if (*cp == 0xff)
		return -1;
	if (*cp >= 0xe0 && *cp <= 0xfe && *cp != 0xf7)
		*cp -= 0x20;
	return 0;
}

/*
 * libcurl 7.88 builds the NTLM hashes by widening each byte of the user
 * and password to UTF-16, that is, it reads them as Latin-1, and it
 * upper-cases only ASCII letters of the user. Windows hashes the UTF-16
 * of the real characters, upper-cased. So the UTF-8 text is handed to
 * libcurl as Latin-1, the user's letters already in capitals; text
 * beyond U+00FF cannot be expressed that way and is refused.
 */
static char *ntlm_form(const char *utf8, int user)
{
	const unsigned char *p = (const unsigned char *)utf8;
	const char *slash = user ? strchr(utf8, '\\') : NULL;
	char *out = malloc(strlen(utf8) + 1), *o = out;
	size_t n;

	while (out && *p) {
		unsigned int cp = decode(p, &n);
		int in_user = user && (!slash || (const char *)p > slash);

		if (cp > 0xff || (in_user && upper_latin1(&cp))) {
			free(out);
			return NULL;
		}
		*o++ = (char)cp;
		p += n;
	}
	if (out)
		*o = '\0';
	return out;
}

/* Checks one credential; for NTLM, *copy receives its Latin-1 form. */
static int check_one(const char *s, const char *what, int ntlm, int user,
		     char **copy, char *errbuf, size_t errlen)
{
	char msg[160];

	if (strnlen(s, CREDENTIAL_MAX + 1) > CREDENTIAL_MAX) {
		snprintf(msg, sizeof(msg), "the %s is longer than %d bytes",
			 what, CREDENTIAL_MAX);
		return bad(errbuf, errlen, msg);
	}
	if (!umws__utf8_text_ok(s)) {
		snprintf(msg, sizeof(msg), "the %s is not valid utf-8 text "
			 "(or holds control characters)", what);
		return bad(errbuf, errlen, msg);
	}
	*copy = ntlm ? ntlm_form(s, user) : strdup(s);
	if (!*copy && ntlm) {
		snprintf(msg, sizeof(msg), "the %s has characters beyond "
			 "latin-1, which libcurl's ntlm cannot send", what);
		return bad(errbuf, errlen, msg);
	}
	return *copy ? UMWS_OK : UMWS_ENOMEM;
}

int umws__take_credentials(umws_client *c, const umws_options *o,
			   char *errbuf, size_t errlen)
{
	int ntlm = o->auth == UMWS_AUTH_NTLM;
	int rc = UMWS_OK;

	if (o->user)
		rc = check_one(o->user, "user", ntlm, 1, &c->user, errbuf,
			       errlen);
	if (rc == UMWS_OK && o->password)
		rc = check_one(o->password, "password", ntlm, 0,
			       &c->password, errbuf, errlen);
	return rc;
}
