/* Unit test of the server's NTLMv2 check against the published
 * [MS-NLMP] section 4.2.4 vectors, plus hostile-message robustness. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

/* [MS-NLMP] 4.2.4: User "User", Domain "Domain", Password "Password",
 * server "Server", time 0, client challenge aa..aa. */
static const unsigned char server_chal[8] = {
	0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef
};
static const unsigned char client_chal[8] = {
	0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa
};
/* TargetInfo of the 4.2.4 CHALLENGE_MESSAGE: NbDomainName "Domain",
 * NbComputerName "Server", EOL. */
static const unsigned char target_info[36] = {
	0x02, 0x00, 0x0c, 0x00, 'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0,
	'n', 0, 0x01, 0x00, 0x0c, 0x00, 'S', 0, 'e', 0, 'r', 0, 'v', 0,
	'e', 0, 'r', 0, 0x00, 0x00, 0x00, 0x00
};

static void hex(char *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void expect_hex(const char *name, const unsigned char *got,
		       const char *want)
{
	char buf[64];

	hex(buf, got, 16);
	if (strcmp(buf, want)) {
		printf("FAIL %s: expected %s, got %s\n", name, want, buf);
		failures++;
		return;
	}
	printf("ok   %s = %s\n", name, buf);
}

static void expect(const char *name, int cond)
{
	printf("%s %s\n", cond ? "ok  " : "FAIL", name);
	failures += !cond;
}

/* temp = 01 01 Z(6) Time ClientChallenge Z(4) TargetInfo Z(4). */
static size_t make_blob(unsigned char *blob)
{
	memset(blob, 0, 28);
	blob[0] = 1;
	blob[1] = 1;
	memcpy(blob + 16, client_chal, 8);
	memcpy(blob + 28, target_info, sizeof(target_info));
	memset(blob + 28 + sizeof(target_info), 0, 4);
	return 28 + sizeof(target_info) + 4;
}

static void test_vectors(unsigned char key[16], unsigned char proof[16],
			 unsigned char *blob, size_t *blob_len)
{
	unsigned char nt[16], lm[16], session[16];

	expect("md4 from the legacy provider", ntlm_init() == 0);
	ntlm_nt_hash("Password", nt);
	expect_hex("NTOWFv1(Password)", nt,
		   "a4f49c406510bdcab6824ee7c30fd852");
	ntlm_ntowfv2(nt, "User", "Domain", key);
	expect_hex("NTOWFv2", key, "0c868a403bfd7a93a3001ef22ef02e3f");
	*blob_len = make_blob(blob);
	ntlm_hmac_md5(key, server_chal, 8, blob, *blob_len, proof);
	expect_hex("NTProofStr", proof, "68cd0ab851e51c96aabc927bebef6a1c");
	ntlm_hmac_md5(key, proof, 16, NULL, 0, session);
	expect_hex("SessionBaseKey", session,
		   "8de40ccadbc14a82f15cb0ad0de95ca3");
	ntlm_hmac_md5(key, server_chal, 8, client_chal, 8, lm);
	expect_hex("LMv2 response", lm, "86c35097ac9cec102554764a57cccc19");
}

static void put_field(unsigned char *msg, size_t at, size_t len,
		      size_t off)
{
	msg[at] = (unsigned char)len;
	msg[at + 1] = (unsigned char)(len >> 8);
	msg[at + 2] = msg[at];
	msg[at + 3] = msg[at + 1];
	msg[at + 4] = (unsigned char)off;
	msg[at + 5] = (unsigned char)(off >> 8);
	msg[at + 6] = 0;
	msg[at + 7] = 0;
}

static size_t put_utf16(unsigned char *out, const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		out[2 * i] = (unsigned char)s[i];
		out[2 * i + 1] = 0;
	}
	return 2 * i;
}

/* An AUTHENTICATE_MESSAGE as a client would send it. */
static size_t make_authenticate(unsigned char *msg, const char *user,
				const char *dom, const unsigned char proof[16],
				const unsigned char *blob, size_t blob_len)
{
	size_t at = 72, n;

	memset(msg, 0, at);
	memcpy(msg, "NTLMSSP", 8);
	msg[8] = 3;
	msg[60] = 0x01;		/* NEGOTIATE_UNICODE */
	n = put_utf16(msg + at, dom);
	put_field(msg, 28, n, at);
	at += n;
	n = put_utf16(msg + at, user);
	put_field(msg, 36, n, at);
	at += n;
	memcpy(msg + at, proof, 16);
	memcpy(msg + at + 16, blob, blob_len);
	put_field(msg, 20, 16 + blob_len, at);
	put_field(msg, 12, 0, at);
	return at + 16 + blob_len;
}

static void test_verify(const unsigned char proof[16],
			const unsigned char *blob, size_t blob_len)
{
	unsigned char msg[1024];
	struct ntlm_auth a;
	char name[64];
	size_t len = make_authenticate(msg, "User", "Domain", proof, blob,
				       blob_len);

	expect("parse AUTHENTICATE_MESSAGE",
	       ntlm_parse_authenticate(msg, len, &a) == 0);
	expect("user name decodes to UTF-8",
	       ntlm_to_utf8(&a, a.user, a.user_len, name, sizeof(name)) ==
	       0 && !strcmp(name, "User"));
	expect("right password verifies",
	       ntlm_verify_v2(&a, "Password", server_chal) == 0);
	expect("wrong password is refused",
	       ntlm_verify_v2(&a, "password", server_chal) != 0);
	len = make_authenticate(msg, "user", "Domain", proof, blob,
				blob_len);
	ntlm_parse_authenticate(msg, len, &a);
	expect("user name case does not matter",
	       ntlm_verify_v2(&a, "Password", server_chal) == 0);
	len = make_authenticate(msg, "User", "DOMAIN", proof, blob,
				blob_len);
	ntlm_parse_authenticate(msg, len, &a);
	expect("domain is taken as sent (case counts)",
	       ntlm_verify_v2(&a, "Password", server_chal) != 0);
}

static void test_challenge(void)
{
	unsigned char msg[1024];
	struct ntlm_names nm = { "DOMAIN", "SERVER", "domain.test",
				 "server.domain.test" };
	size_t n = ntlm_build_challenge(msg, sizeof(msg), server_chal, &nm,
					0);
	uint32_t flags = n >= 24 ? (uint32_t)msg[20] | msg[21] << 8 |
		msg[22] << 16 | (uint32_t)msg[23] << 24 : 0;

	expect("challenge has signature and type 2",
	       n > 56 && !memcmp(msg, "NTLMSSP", 8) && msg[8] == 2);
	expect("challenge sets NEGOTIATE_TARGET_INFO",
	       (flags & 0x00800000u) != 0);
	expect("challenge carries the server challenge",
	       !memcmp(msg + 24, server_chal, 8));
	expect("challenge too big for buffer is refused",
	       ntlm_build_challenge(msg, 60, server_chal, &nm, 0) == 0);
}

/* Truncations and random corruption must be refused, never crash. */
static void test_hostile(const unsigned char proof[16],
			 const unsigned char *blob, size_t blob_len)
{
	unsigned char good[1024], msg[1024];
	size_t len = make_authenticate(good, "User", "Domain", proof, blob,
				       blob_len), i, cut;
	struct ntlm_auth a;
	uint32_t flags;
	int accepted = 0;

	for (cut = 0; cut < len; cut++)
		if (ntlm_parse_authenticate(good, cut, &a) == 0 &&
		    ntlm_verify_v2(&a, "Password", server_chal) == 0)
			accepted++;
	srand(42);
	for (i = 0; i < 20000; i++) {
		memcpy(msg, good, len);
		msg[rand() % 72] = (unsigned char)rand();
		msg[rand() % len] = (unsigned char)rand();
		if (ntlm_parse_authenticate(msg, len, &a) == 0)
			(void)ntlm_verify_v2(&a, "Password", server_chal);
		(void)ntlm_parse_negotiate(msg, (size_t)(rand() % 40),
					   &flags);
	}
	expect("truncated messages never verify", accepted == 0);
	expect("20000 corrupted messages handled without a crash", 1);
}

int main(void)
{
	unsigned char key[16], proof[16], blob[128];
	size_t blob_len;

	test_vectors(key, proof, blob, &blob_len);
	test_verify(proof, blob, blob_len);
	test_challenge();
	test_hostile(proof, blob, blob_len);
	if (failures) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	printf("all ntlm checks passed\n");
	return 0;
}
