/* umws-server: the server half of NTLMv2 ([MS-NLMP]) with OpenSSL.
 *
 * gss-ntlmssp 1.2.0 rejects the messages libcurl 7.88 sends, so the
 * check is done here: NT hash = MD4(UTF-16LE(password)); NTOWFv2 =
 * HMAC-MD5(NT hash, UTF-16LE(UPPER(user) + domain)); NTProofStr =
 * HMAC-MD5(NTOWFv2, server challenge + blob) must equal the first 16
 * bytes of the NtChallengeResponse. Every offset and length a client
 * sends is checked against the message before it is followed.
 *
 * A client that declares a MIC (MsvAvFlags bit 2 in its blob, which the
 * NTProofStr covers, so the claim cannot be stripped) must send one
 * that matches: HMAC-MD5 keyed with the ExportedSessionKey over the
 * three messages, MIC field zeroed. It binds the NEGOTIATE and
 * CHALLENGE flags to the proof; libcurl sends no MIC, ntlm-auth does. */
#include "server.h"

#include <ctype.h>
#include <iconv.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>

#define NTLM_SIG "NTLMSSP"	/* with its NUL: 8 bytes */
#define NEGOTIATE_UNICODE 0x00000001u
#define NEGOTIATE_OEM 0x00000002u
#define REQUEST_TARGET 0x00000004u
#define NEGOTIATE_NTLM 0x00000200u
#define NEGOTIATE_ALWAYS_SIGN 0x00008000u
#define TARGET_TYPE_DOMAIN 0x00010000u
#define NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NEGOTIATE_TARGET_INFO 0x00800000u
#define NEGOTIATE_VERSION 0x02000000u
#define NEGOTIATE_128 0x20000000u
#define NEGOTIATE_KEY_EXCH 0x40000000u
#define NEGOTIATE_56 0x80000000u

enum av_id {
	MSV_AV_EOL = 0,
	MSV_AV_NB_COMPUTER_NAME = 1,
	MSV_AV_NB_DOMAIN_NAME = 2,
	MSV_AV_DNS_COMPUTER_NAME = 3,
	MSV_AV_DNS_DOMAIN_NAME = 4,
	MSV_AV_FLAGS = 6,
	MSV_AV_TIMESTAMP = 7
};

#define AV_FLAG_MIC 0x00000002u

#define CHALLENGE_HEADER 56	/* fixed part with the Version field */
#define AUTHENTICATE_HEADER 64	/* fixed part up to NegotiateFlags */
#define NAME_MAX_BYTES 512
#define NTLMV2_BLOB_MIN 28	/* RespType .. ClientChallenge, Z(4) */
#define MIC_AT 72		/* after the fixed part and Version */
#define MIC_END 88

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static EVP_MD *md4;
static EVP_MAC *hmac;
static EVP_CIPHER *rc4;

/* MD4 and RC4 live in OpenSSL 3's legacy provider; loading any
 * provider by hand stops the default one loading by itself, so both
 * are named. */
static void init_providers(void)
{
	if (!OSSL_PROVIDER_load(NULL, "legacy") ||
	    !OSSL_PROVIDER_load(NULL, "default"))
		return;
	md4 = EVP_MD_fetch(NULL, "MD4", NULL);
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	rc4 = EVP_CIPHER_fetch(NULL, "RC4", NULL);
}

int ntlm_init(void)
{
	pthread_once(&init_once, init_providers);
	return md4 && hmac && rc4 ? 0 : -1;
}

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		(uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

/* Returns the byte count, or -1 if it does not fit. */
static long convert(const char *to, const char *from, const void *in,
		    size_t inlen, void *out, size_t cap)
{
	iconv_t cd = iconv_open(to, from);
	char *ip = (char *)in, *op = out;
	size_t il = inlen, ol = cap, r;

	if (cd == (iconv_t)-1)
		return -1;
	r = iconv(cd, &ip, &il, &op, &ol);
	iconv_close(cd);
	return r == (size_t)-1 || il ? -1 : (long)(cap - ol);
}

static long to_utf16(const char *s, unsigned char *out, size_t cap)
{
	return convert("UTF-16LE", "UTF-8", s, strlen(s), out, cap);
}

int ntlm_hmac_md5(const unsigned char key[16], const unsigned char *a,
		  size_t alen, const unsigned char *b, size_t blen,
		  unsigned char out[16])
{
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t n = 0;
	int ok;

	if (ntlm_init() != 0 || !(ctx = EVP_MAC_CTX_new(hmac)))
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", "MD5", 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, key, 16, params) &&
		EVP_MAC_update(ctx, a, alen) &&
		(!blen || EVP_MAC_update(ctx, b, blen)) &&
		EVP_MAC_final(ctx, out, &n, 16) && n == 16;
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -1;
}

int ntlm_nt_hash(const char *password, unsigned char out[16])
{
	unsigned char u16[1024];
	long n = to_utf16(password, u16, sizeof(u16));
	unsigned int len = 0;
	int ok;

	if (n < 0 || ntlm_init() != 0)
		return -1;
	ok = EVP_Digest(u16, (size_t)n, out, &len, md4, NULL) && len == 16;
	OPENSSL_cleanse(u16, sizeof(u16));
	return ok ? 0 : -1;
}

/* Upper-cases ASCII only: the C locale knows no other case mapping. */
static int ntowfv2_raw(const unsigned char nt_hash[16],
		       const unsigned char *user, size_t ulen,
		       const unsigned char *dom, size_t dlen,
		       unsigned char out[16])
{
	unsigned char up[NAME_MAX_BYTES];
	size_t i;

	if (ulen > sizeof(up) || ulen % 2)
		return -1;
	memcpy(up, user, ulen);
	for (i = 0; i < ulen; i += 2)
		if (up[i + 1] == 0 && up[i] < 0x80)
			up[i] = (unsigned char)toupper(up[i]);
	return ntlm_hmac_md5(nt_hash, up, ulen, dom, dlen, out);
}

int ntlm_ntowfv2(const unsigned char nt_hash[16], const char *user,
		 const char *domain, unsigned char out[16])
{
	unsigned char u[NAME_MAX_BYTES], d[NAME_MAX_BYTES];
	long ul = to_utf16(user, u, sizeof(u));
	long dl = to_utf16(domain, d, sizeof(d));

	if (ul < 0 || dl < 0)
		return -1;
	return ntowfv2_raw(nt_hash, u, (size_t)ul, d, (size_t)dl, out);
}

static int has_signature(const unsigned char *msg, size_t len,
			 uint32_t type)
{
	return len >= 12 && !memcmp(msg, NTLM_SIG, 8) &&
		get32(msg + 8) == type;
}

/* A (Len, MaxLen, Offset) triple at msg + at, checked against len. */
static int field(const unsigned char *msg, size_t len, size_t at,
		 const unsigned char **p, size_t *flen)
{
	size_t n, off;

	if (at > len || len - at < 8)
		return -1;
	n = get16(msg + at);
	off = get32(msg + at + 4);
	if (n && (off > len || n > len - off))
		return -1;
	*p = n ? msg + off : NULL;
	*flen = n;
	return 0;
}

int ntlm_parse_negotiate(const unsigned char *msg, size_t len,
			 uint32_t *flags)
{
	const unsigned char *p;
	size_t n;

	if (!has_signature(msg, len, 1) || len < 16)
		return -1;
	*flags = get32(msg + 12);
	if (len >= 32 && (field(msg, len, 16, &p, &n) ||
			  field(msg, len, 24, &p, &n)))
		return -1;
	return 0;
}

/* Appends one AV pair; *at is the write position. */
static int put_av(unsigned char *out, size_t cap, size_t *at, uint16_t id,
		  const void *val, size_t vlen)
{
	if (cap - *at < 4 + vlen || vlen > 0xffff)
		return -1;
	put16(out + *at, id);
	put16(out + *at + 2, (uint16_t)vlen);
	if (vlen)
		memcpy(out + *at + 4, val, vlen);
	*at += 4 + vlen;
	return 0;
}

static int put_av_name(unsigned char *out, size_t cap, size_t *at,
		       uint16_t id, const char *name)
{
	unsigned char u[NAME_MAX_BYTES];
	long n = to_utf16(name, u, sizeof(u));

	return n < 0 ? -1 : put_av(out, cap, at, id, u, (size_t)n);
}

/* MsvAvTimestamp makes clients answer with NTLMv2 and a MIC. */
static int put_target_info(unsigned char *out, size_t cap, size_t *at,
			   const struct ntlm_names *nm, uint64_t filetime)
{
	unsigned char ft[8];

	put32(ft, (uint32_t)filetime);
	put32(ft + 4, (uint32_t)(filetime >> 32));
	return put_av_name(out, cap, at, MSV_AV_NB_DOMAIN_NAME,
			   nm->nb_domain) ||
		put_av_name(out, cap, at, MSV_AV_NB_COMPUTER_NAME,
			    nm->nb_computer) ||
		put_av_name(out, cap, at, MSV_AV_DNS_DOMAIN_NAME,
			    nm->dns_domain) ||
		put_av_name(out, cap, at, MSV_AV_DNS_COMPUTER_NAME,
			    nm->dns_computer) ||
		put_av(out, cap, at, MSV_AV_TIMESTAMP, ft, 8) ||
		put_av(out, cap, at, MSV_AV_EOL, NULL, 0);
}

/* KEY_EXCH is offered as Windows does, so clients with a MIC key it
 * with a session key of their own (RC4-wrapped) as they would there. */
static void put_header(unsigned char *out, const unsigned char chal[8])
{
	uint32_t flags = NEGOTIATE_UNICODE | REQUEST_TARGET |
		NEGOTIATE_NTLM | NEGOTIATE_ALWAYS_SIGN | TARGET_TYPE_DOMAIN |
		NEGOTIATE_EXTENDED_SESSIONSECURITY | NEGOTIATE_TARGET_INFO |
		NEGOTIATE_VERSION | NEGOTIATE_128 | NEGOTIATE_KEY_EXCH |
		NEGOTIATE_56;
	/* Version: Windows 10.0 build 20348, NTLM revision 15. */
	static const unsigned char version[8] = {
		10, 0, 0x7c, 0x4f, 0, 0, 0, 15
	};

	memset(out, 0, CHALLENGE_HEADER);
	memcpy(out, NTLM_SIG, 8);
	put32(out + 8, 2);
	put32(out + 20, flags);
	memcpy(out + 24, chal, 8);
	memcpy(out + 48, version, 8);
}

/* Returns the CHALLENGE_MESSAGE's length, 0 if cap is too small. */
size_t ntlm_build_challenge(unsigned char *out, size_t cap,
			    const unsigned char chal[8],
			    const struct ntlm_names *names, uint64_t filetime)
{
	size_t at = CHALLENGE_HEADER, ti;
	long n;

	if (cap < CHALLENGE_HEADER)
		return 0;
	put_header(out, chal);
	n = to_utf16(names->nb_domain, out + at, cap - at);
	if (n < 0)
		return 0;
	put16(out + 12, (uint16_t)n);
	put16(out + 14, (uint16_t)n);
	put32(out + 16, (uint32_t)at);
	at += (size_t)n;
	ti = at;
	if (put_target_info(out, cap, &at, names, filetime))
		return 0;
	put16(out + 40, (uint16_t)(at - ti));
	put16(out + 42, (uint16_t)(at - ti));
	put32(out + 44, (uint32_t)ti);
	return at;
}

/* The lowest offset of a payload field: the fixed part ends there. */
static size_t payload_start(const unsigned char *msg, size_t len)
{
	static const size_t at[] = { 12, 20, 28, 36, 44, 52 };
	size_t i, low = len;

	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		if (get16(msg + at[i]) && get32(msg + at[i] + 4) < low)
			low = get32(msg + at[i] + 4);
	return low;
}

int ntlm_parse_authenticate(const unsigned char *msg, size_t len,
			    struct ntlm_auth *a)
{
	const unsigned char *p;
	size_t n;

	memset(a, 0, sizeof(*a));
	if (!has_signature(msg, len, 3) || len < AUTHENTICATE_HEADER)
		return -1;
	if (field(msg, len, 12, &p, &n) ||
	    field(msg, len, 20, &a->nt_resp, &a->nt_len) ||
	    field(msg, len, 28, &a->domain, &a->domain_len) ||
	    field(msg, len, 36, &a->user, &a->user_len) ||
	    field(msg, len, 44, &p, &n) ||
	    field(msg, len, 52, &a->session_key, &a->session_key_len))
		return -1;
	a->msg = msg;
	a->len = len;
	a->flags = get32(msg + 60);
	a->payload_at = payload_start(msg, len);
	if (a->payload_at < AUTHENTICATE_HEADER)
		return -1;
	if (a->user_len == 0 || a->user_len > NAME_MAX_BYTES ||
	    a->domain_len > NAME_MAX_BYTES)
		return -1;
	if ((a->flags & NEGOTIATE_UNICODE) &&
	    (a->user_len % 2 || a->domain_len % 2))
		return -1;
	return 0;
}

int ntlm_to_utf8(const struct ntlm_auth *a, const unsigned char *s,
		 size_t len, char *out, size_t cap)
{
	long n;

	if (cap == 0)
		return -1;
	if (a->flags & NEGOTIATE_UNICODE)
		n = convert("UTF-8", "UTF-16LE", s, len, out, cap - 1);
	else
		n = convert("UTF-8", "ISO-8859-1", s, len, out, cap - 1);
	if (n < 0)
		return -1;
	out[n] = '\0';
	return memchr(out, '\0', (size_t)n) ? -1 : 0;
}

/* An OEM name (no NEGOTIATE_UNICODE) is widened byte by byte. */
static size_t as_utf16(const struct ntlm_auth *a, const unsigned char *s,
		       size_t len, unsigned char *out)
{
	size_t i;

	if (len && (a->flags & NEGOTIATE_UNICODE)) {
		memcpy(out, s, len);
		return len;
	}
	for (i = 0; i < len; i++) {
		out[2 * i] = s[i];
		out[2 * i + 1] = 0;
	}
	return 2 * len;
}

static int response_key(const struct ntlm_auth *a, const char *password,
			unsigned char key[16])
{
	unsigned char nt[16], u[2 * NAME_MAX_BYTES], d[2 * NAME_MAX_BYTES];
	size_t ul = as_utf16(a, a->user, a->user_len, u);
	size_t dl = as_utf16(a, a->domain, a->domain_len, d);
	int r;

	if (ul > NAME_MAX_BYTES || ntlm_nt_hash(password, nt) != 0)
		return -1;
	r = ntowfv2_raw(nt, u, ul, d, dl, key);
	OPENSSL_cleanse(nt, sizeof(nt));
	return r;
}

/* The NTProofStr of the response under key; -1 unless it matches. */
static int check_proof(const struct ntlm_auth *a, const unsigned char key[16],
		       const unsigned char chal[8])
{
	const unsigned char *blob = a->nt_resp + 16;
	unsigned char proof[16];

	if (ntlm_hmac_md5(key, chal, 8, blob, a->nt_len - 16, proof) != 0)
		return -1;
	return CRYPTO_memcmp(proof, a->nt_resp, 16) ? -1 : 0;
}

static int v2_shape(const struct ntlm_auth *a)
{
	return a->nt_resp && a->nt_len >= 16 + NTLMV2_BLOB_MIN &&
		a->nt_resp[16] == 1 && a->nt_resp[17] == 1;
}

/* 0 when the NTLMv2 response proves the password; NTLMv1 (a 24-byte
 * response) is refused. */
int ntlm_verify_v2(const struct ntlm_auth *a, const char *password,
		   const unsigned char chal[8])
{
	unsigned char key[16];
	int r;

	if (!v2_shape(a) || response_key(a, password, key) != 0)
		return -1;
	r = check_proof(a, key, chal);
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}

int ntlm_rc4(const unsigned char key[16], const unsigned char in[16],
	     unsigned char out[16])
{
	EVP_CIPHER_CTX *ctx;
	int n = 0, ok;

	if (ntlm_init() != 0 || !(ctx = EVP_CIPHER_CTX_new()))
		return -1;
	ok = EVP_EncryptInit_ex2(ctx, rc4, key, NULL, NULL) &&
		EVP_EncryptUpdate(ctx, out, &n, in, 16) && n == 16;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* The client's AV pairs (blob from offset 28) must be whole and end in
 * MsvAvEOL; *av_flags gets MsvAvFlags, 0 when absent. */
static int client_av_flags(const struct ntlm_auth *a, uint32_t *av_flags)
{
	const unsigned char *p = a->nt_resp + 16 + NTLMV2_BLOB_MIN;
	size_t left = a->nt_len - 16 - NTLMV2_BLOB_MIN, n;
	uint16_t id;

	*av_flags = 0;
	while (left >= 4) {
		id = get16(p);
		n = get16(p + 2);
		if (id == MSV_AV_EOL)
			return 0;
		if (n > left - 4 || (id == MSV_AV_FLAGS && n != 4))
			return -1;
		if (id == MSV_AV_FLAGS)
			*av_flags = get32(p + 4);
		p += 4 + n;
		left -= 4 + n;
	}
	return -1;
}

/* Flags that contradict the message or the server's offer: a session
 * key of the wrong size, KEY_EXCH the CHALLENGE never offered, neither
 * character set. */
static int flags_consistent(const struct ntlm_auth *a,
			    const struct ntlm_exchange *x)
{
	if (!(a->flags & (NEGOTIATE_UNICODE | NEGOTIATE_OEM)))
		return 0;
	if (a->session_key_len != 0 && a->session_key_len != 16)
		return 0;
	if ((a->flags & NEGOTIATE_KEY_EXCH) &&
	    !(x->challenge_flags & NEGOTIATE_KEY_EXCH))
		return 0;
	return 1;
}

/* [MS-NLMP] 3.2.5.1.2: for NTLMv2 the KeyExchangeKey is the
 * SessionBaseKey; KEY_EXCH makes the client pick the exported key and
 * send it RC4-encrypted under the KeyExchangeKey. */
static int exported_key(const struct ntlm_auth *a,
			const unsigned char response_key[16],
			unsigned char out[16])
{
	unsigned char base[16];
	int r;

	if (ntlm_hmac_md5(response_key, a->nt_resp, 16, NULL, 0, base))
		return -1;
	if (!(a->flags & NEGOTIATE_KEY_EXCH)) {
		memcpy(out, base, 16);
		r = 0;
	} else if (a->session_key_len == 16) {
		r = ntlm_rc4(base, a->session_key, out);
	} else {
		r = -1;
	}
	OPENSSL_cleanse(base, sizeof(base));
	return r;
}

static int check_mic(const struct ntlm_auth *a, const unsigned char key[16],
		     const struct ntlm_exchange *x)
{
	static const unsigned char zero[MIC_END - MIC_AT];
	unsigned char exported[16], mic[16];
	EVP_MAC_CTX *ctx;
	OSSL_PARAM params[2];
	size_t n = 0;
	int ok;

	if (a->len < MIC_END || a->payload_at < MIC_END ||
	    exported_key(a, key, exported) != 0 ||
	    !(ctx = EVP_MAC_CTX_new(hmac)))
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", "MD5", 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(ctx, exported, 16, params) &&
		EVP_MAC_update(ctx, x->negotiate, x->negotiate_len) &&
		EVP_MAC_update(ctx, x->challenge, x->challenge_len) &&
		EVP_MAC_update(ctx, a->msg, MIC_AT) &&
		EVP_MAC_update(ctx, zero, sizeof(zero)) &&
		EVP_MAC_update(ctx, a->msg + MIC_END, a->len - MIC_END) &&
		EVP_MAC_final(ctx, mic, &n, 16) && n == 16;
	EVP_MAC_CTX_free(ctx);
	OPENSSL_cleanse(exported, sizeof(exported));
	return ok && !CRYPTO_memcmp(mic, a->msg + MIC_AT, 16) ? 0 : -1;
}

/* The whole check of an AUTHENTICATE_MESSAGE against its handshake:
 * the NTLMv2 proof, consistent flags, and the MIC when one is declared.
 * 0 when all hold. */
int ntlm_verify(const struct ntlm_auth *a, const char *password,
		const struct ntlm_exchange *x)
{
	unsigned char key[16];
	uint32_t av_flags;
	int r = -1;

	if (!v2_shape(a) || !flags_consistent(a, x) ||
	    client_av_flags(a, &av_flags) != 0 ||
	    x->challenge_len < CHALLENGE_HEADER)
		return -1;
	if (response_key(a, password, key) != 0)
		return -1;
	if (check_proof(a, key, x->challenge + 24) == 0)
		r = av_flags & AV_FLAG_MIC ? check_mic(a, key, x) : 0;
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}
