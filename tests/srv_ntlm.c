/* Unit test of the server's NTLMv2 check against the published
 * [MS-NLMP] section 4.2.4 vectors, the MIC and flag checks on whole
 * handshakes built here, plus hostile-message robustness. */
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

/* ---- MIC: whole handshakes, the MIC computed here ---------------- */

#define KEY_EXCH 0x40000000u
#define UNICODE_OEM 0x00000003u

/* What a built AUTHENTICATE_MESSAGE does. */
struct build {
	int mic;		/* MsvAvFlags declares a MIC; one is sent */
	int room;		/* an 88-byte fixed part: Version, MIC */
	size_t key_len;		/* EncryptedRandomSessionKey bytes */
	uint32_t unset;		/* flags of the CHALLENGE not echoed */
	int av_eol;		/* the AV pairs end with MsvAvEOL */
	int av_flags_len;	/* bytes of the MsvAvFlags value */
	int base_key_mic;	/* MIC keyed with the SessionBaseKey */
};

struct handshake {
	unsigned char neg[32];
	unsigned char chal[512];
	unsigned char auth[1024];
	size_t auth_len;
	unsigned char exported[16];
	struct ntlm_exchange x;
};

static const struct build plain_mic = { 1, 1, 16, 0, 1, 4, 0 };

static void put32le(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		(uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A NEGOTIATE as ntlm-auth sends it, and the server's CHALLENGE. */
static void negotiate_and_challenge(struct handshake *h)
{
	struct ntlm_names nm = { "DOMAIN", "SERVER", "domain.test",
				 "server.domain.test" };

	memset(h->neg, 0, sizeof(h->neg));
	memcpy(h->neg, "NTLMSSP", 8);
	h->neg[8] = 1;
	put32le(h->neg + 12, 0xe2088297u);
	h->x.negotiate = h->neg;
	h->x.negotiate_len = sizeof(h->neg);
	h->x.challenge = h->chal;
	h->x.challenge_len = ntlm_build_challenge(h->chal, sizeof(h->chal),
						  server_chal, &nm, 0);
	h->x.challenge_flags = get32le(h->chal + 20);
}

/* The NTLMv2 blob: the 4.2.4 names, MsvAvFlags (MIC), MsvAvEOL. */
static size_t mic_blob(unsigned char *blob, const struct build *b)
{
	size_t n = make_blob(blob) - 8;		/* without EOL and Z(4) */

	if (b->mic) {
		blob[n] = 6;
		blob[n + 1] = 0;
		blob[n + 2] = (unsigned char)b->av_flags_len;
		blob[n + 3] = 0;
		memset(blob + n + 4, 0, 4);
		blob[n + 4] = 2;
		n += 4 + (size_t)b->av_flags_len;
	}
	if (b->av_eol) {
		memset(blob + n, 0, 8);		/* MsvAvEOL, Z(4) */
		n += 8;
	}
	return n;
}

static size_t put_names(unsigned char *m, size_t at)
{
	size_t n = put_utf16(m + at, "Domain");

	put_field(m, 28, n, at);
	at += n;
	n = put_utf16(m + at, "User");
	put_field(m, 36, n, at);
	return at + n;
}

/* The ExportedSessionKey: 55..55 wrapped in RC4 with KEY_EXCH, else
 * the SessionBaseKey ([MS-NLMP] 3.1.5.1.2). */
static void session_key(struct handshake *h, const struct build *b,
			const unsigned char key[16],
			const unsigned char proof[16], unsigned char *wrapped)
{
	unsigned char base[16];

	ntlm_hmac_md5(key, proof, 16, NULL, 0, base);
	memset(h->exported, 0x55, 16);
	ntlm_rc4(base, h->exported, wrapped);
	if (b->key_len != 16 || b->base_key_mic)
		memcpy(h->exported, base, 16);
}

static void put_mic(struct handshake *h)
{
	unsigned char all[2048], mic[16];
	size_t n = 0;

	memcpy(all, h->neg, sizeof(h->neg));
	n += sizeof(h->neg);
	memcpy(all + n, h->chal, h->x.challenge_len);
	n += h->x.challenge_len;
	memcpy(all + n, h->auth, h->auth_len);
	n += h->auth_len;
	ntlm_hmac_md5(h->exported, all, n, NULL, 0, mic);
	memcpy(h->auth + 72, mic, 16);
}

static void build(struct handshake *h, const struct build *b,
		  const unsigned char key[16])
{
	unsigned char *m = h->auth, blob[160], proof[16], wrapped[16];
	size_t blob_len = mic_blob(blob, b);
	size_t at = b->room ? 88 : 64;

	negotiate_and_challenge(h);
	ntlm_hmac_md5(key, server_chal, 8, blob, blob_len, proof);
	session_key(h, b, key, proof, wrapped);
	memset(m, 0, at);
	memcpy(m, "NTLMSSP", 8);
	m[8] = 3;
	put32le(m + 60, h->x.challenge_flags & ~b->unset);
	if (b->room)
		memcpy(m + 64, h->chal + 48, 8);	/* a Version */
	put_field(m, 12, 0, at);
	put_field(m, 44, 0, at);
	memcpy(m + at, wrapped, b->key_len);
	put_field(m, 52, b->key_len, at);
	at = put_names(m, at + b->key_len);
	memcpy(m + at, proof, 16);
	memcpy(m + at + 16, blob, blob_len);
	put_field(m, 20, 16 + blob_len, at);
	h->auth_len = at + 16 + blob_len;
	if (b->mic && b->room)
		put_mic(h);
}

/* ntlm_verify's verdict on a handshake built to b, after tamper. */
static int verdict(const struct build *b, const unsigned char key[16],
		   void (*tamper)(struct handshake *))
{
	struct handshake h;
	struct ntlm_auth a;

	build(&h, b, key);
	if (tamper)
		tamper(&h);
	if (ntlm_parse_authenticate(h.auth, h.auth_len, &a) != 0)
		return -2;
	return ntlm_verify(&a, "Password", &h.x);
}

static void flip_mic(struct handshake *h)
{
	h->auth[72 + 5] ^= 0x08;
}

static void flip_negotiate(struct handshake *h)
{
	h->neg[12] ^= 0x10;	/* NEGOTIATE_SIGN, which the MIC covers */
}

static void unoffer_key_exch(struct handshake *h)
{
	h->x.challenge_flags &= ~KEY_EXCH;
}

static void no_charset(struct handshake *h)
{
	put32le(h->auth + 60, get32le(h->auth + 60) & ~UNICODE_OEM);
}

/* The proof covers the blob: dropping the MIC claim breaks it. */
static void drop_mic_claim(struct handshake *h)
{
	unsigned char *p = memchr(h->auth + 88, 6, h->auth_len - 88);

	while (p && !(p[1] == 0 && p[2] == 4 && p[4] == 2))
		p = memchr(p + 1, 6, (size_t)(h->auth + h->auth_len - p - 1));
	if (p)
		p[4] = 0;
}

static void test_mic(const unsigned char key[16])
{
	static const unsigned char random_key[16] = {
		0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
		0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55
	};
	static const unsigned char base[16] = {
		0x8d, 0xe4, 0x0c, 0xca, 0xdb, 0xc1, 0x4a, 0x82,
		0xf1, 0x5c, 0xb0, 0xad, 0x0d, 0xe9, 0x5c, 0xa3
	};
	struct build b = plain_mic;
	unsigned char wrapped[16];

	expect("rc4 from the legacy provider",
	       ntlm_rc4(base, random_key, wrapped) == 0);
	expect_hex("EncryptedSessionKey (4.2.4.2.3)", wrapped,
		   "c5dad2544fc9799094ce1ce90bc9d03e");
	expect("MIC keyed with the RC4-unwrapped session key verifies",
	       verdict(&b, key, NULL) == 0);
	expect("MIC with one bit flipped is refused",
	       verdict(&b, key, flip_mic) == -1);
	expect("NEGOTIATE flags changed under the MIC are refused",
	       verdict(&b, key, flip_negotiate) == -1);
	expect("the MIC claim cannot be dropped from the blob",
	       verdict(&b, key, drop_mic_claim) == -1);
	b.base_key_mic = 1;
	expect("KEY_EXCH: a MIC keyed with the SessionBaseKey is refused",
	       verdict(&b, key, NULL) == -1);
	b = plain_mic;
	b.key_len = 0;
	b.unset = KEY_EXCH;
	expect("no KEY_EXCH: MIC keyed with the SessionBaseKey verifies",
	       verdict(&b, key, NULL) == 0);
	b.unset = 0;
	expect("KEY_EXCH and a MIC without a session key are refused",
	       verdict(&b, key, NULL) == -1);
}

static void test_flags(const unsigned char key[16])
{
	struct build b = plain_mic;

	expect("KEY_EXCH the CHALLENGE did not offer is refused",
	       verdict(&b, key, unoffer_key_exch) == -1);
	expect("neither UNICODE nor OEM is refused",
	       verdict(&b, key, no_charset) == -1);
	b.room = 0;
	expect("a MIC declared with no room for it is refused",
	       verdict(&b, key, NULL) == -1);
	b = plain_mic;
	b.key_len = 8;
	expect("an 8-byte session key is refused",
	       verdict(&b, key, NULL) == -1);
	b = plain_mic;
	b.av_eol = 0;
	expect("AV pairs without MsvAvEOL are refused",
	       verdict(&b, key, NULL) == -1);
	b = plain_mic;
	b.av_flags_len = 2;
	expect("MsvAvFlags of 2 bytes is refused",
	       verdict(&b, key, NULL) == -1);
	b = (struct build){ 0, 0, 0, 0, 1, 4, 0 };
	expect("libcurl's shape (no MIC, KEY_EXCH echoed, no key) verifies",
	       verdict(&b, key, NULL) == 0);
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

/* Corrupted MIC handshakes: refused, never a crash or an overread. */
static void test_hostile_mic(const unsigned char key[16])
{
	struct handshake h, bad;
	struct ntlm_auth a;
	size_t i, cut;
	int accepted = 0;

	build(&h, &plain_mic, key);
	for (cut = 0; cut < h.auth_len; cut++)
		if (ntlm_parse_authenticate(h.auth, cut, &a) == 0 &&
		    ntlm_verify(&a, "Password", &h.x) == 0)
			accepted++;
	for (i = 0; i < 20000; i++) {
		bad = h;
		bad.x.negotiate = bad.neg;
		bad.x.challenge = bad.chal;
		bad.auth[rand() % 88] = (unsigned char)rand();
		bad.auth[rand() % h.auth_len] = (unsigned char)rand();
		if (!memcmp(bad.auth, h.auth, h.auth_len))
			continue;	/* rand() wrote the bytes there */
		if (ntlm_parse_authenticate(bad.auth, h.auth_len, &a) == 0 &&
		    ntlm_verify(&a, "Password", &bad.x) == 0)
			accepted++;
	}
	expect("truncated or corrupted MIC handshakes never verify",
	       accepted == 0);
}

int main(void)
{
	unsigned char key[16], proof[16], blob[128];
	size_t blob_len;

	test_vectors(key, proof, blob, &blob_len);
	test_verify(proof, blob, blob_len);
	test_challenge();
	test_mic(key);
	test_flags(key);
	test_hostile(proof, blob, blob_len);
	test_hostile_mic(key);
	if (failures) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	printf("all ntlm checks passed\n");
	return 0;
}
