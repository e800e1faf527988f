/* umws-server: parts shared by the reference UM server's files. */
#ifndef UMWS_SERVER_H
#define UMWS_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>

struct soap;

#define SRV_NAME "umws-server"

/* UM requests are a few KiB; a small cap also bounds what the XML
 * check and gSOAP's parser can be made to chew on. */
#define SRV_REQUEST_MAX (64 * 1024)

/* Namespaces the fault codes are qualified with ([MS-OXWUMS], EWS). */
#define SRV_NS_ERRORS \
	"http://schemas.microsoft.com/exchange/services/2006/errors"
#define SRV_NS_TYPES \
	"http://schemas.microsoft.com/exchange/services/2006/types"

enum srv_auth {
	SRV_AUTH_NTLM,
	SRV_AUTH_BASIC,
	SRV_AUTH_NONE
};

/* ---- log.c: diagnostics, base64, clocks ---------------------------- */

extern int srv_verbose;
/* set by signal handlers, read by every thread: atomic, lock-free */
extern _Atomic int srv_stopping;

void srv_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void srv_debug(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
double srv_now(void);
uint64_t srv_filetime_now(void);
int srv_b64_decode(const char *in, unsigned char *out, size_t cap,
		   size_t *outlen);
int srv_b64_valid(const char *in);
char *srv_b64_encode(const unsigned char *in, size_t len);
int srv_write_file(const char *path, const char *text);

/* ---- xmlcheck.c: libxml2 vouches for a request body ------------------ */

struct xmlguard;
int xml_check(struct xmlguard *g, const char *buf, size_t len, char *why,
	      size_t whylen);

/* ---- users.c: accounts and their UM properties ---------------------- */

struct srv_user;

struct srv_props {
	int oof;
	int missed_call_notification;
	char dial_string[128];
	char folder_id[1424];
};

int users_load(const char *path, char *why, size_t whylen);
const struct srv_user *users_anonymous(void);
const struct srv_user *users_find(const char *domain, const char *name);
const struct srv_user *users_find_login(const char *login);
const char *users_password(const struct srv_user *u);
const char *users_label(const struct srv_user *u);
int users_disabled(const struct srv_user *u);
void users_get_props(const struct srv_user *u, struct srv_props *out);
void users_set_oof(const struct srv_user *u, int on);
void users_set_missed(const struct srv_user *u, int on);
void users_set_dial_string(const struct srv_user *u, const char *s);
void users_set_folder(const struct srv_user *u, const char *s);
const char *users_first_domain(void);

/* ---- calls.c: the simulated telephony ------------------------------- */

struct calls_config {
	double time_scale;
	double connect_seconds;
	double ring_seconds;
	double message_seconds;
	double retention_seconds;
	const char *fqdn;
};

/* What the dial plan makes of a dial string; see calls.c. */
enum dial_verdict {
	DIAL_ANSWER,
	DIAL_BUSY,
	DIAL_NO_ANSWER,
	DIAL_UNAVAILABLE,
	DIAL_REFUSED,
	DIAL_INVALID,
	DIAL_INVALID_SIP
};

#define CALLS_ID_MAX 1420

void calls_configure(const struct calls_config *cfg);
enum dial_verdict calls_classify(const char *dial);
const char *calls_place(const struct srv_user *u, const char *dial,
			char *id, size_t idcap);
const char *calls_info(const struct srv_user *u, const char *id,
		       const char **state, const char **cause);
const char *calls_disconnect(const struct srv_user *u, const char *id);

/* ---- ntlm.c: NTLMv2 server side ([MS-NLMP]) ------------------------- */

#define NTLM_MSG_MAX 6144

struct ntlm_names {
	const char *nb_domain;
	const char *nb_computer;
	const char *dns_domain;
	const char *dns_computer;
};

/* Fields of an AUTHENTICATE_MESSAGE, pointing into the message. */
struct ntlm_auth {
	const unsigned char *msg;
	size_t len;
	const unsigned char *user;
	size_t user_len;
	const unsigned char *domain;
	size_t domain_len;
	const unsigned char *nt_resp;
	size_t nt_len;
	const unsigned char *session_key;	/* EncryptedRandomSessionKey */
	size_t session_key_len;
	size_t payload_at;	/* where the lowest payload field starts */
	uint32_t flags;
};

/* The three messages of one handshake, for the MIC. */
struct ntlm_exchange {
	const unsigned char *negotiate;
	size_t negotiate_len;
	const unsigned char *challenge;
	size_t challenge_len;
	uint32_t challenge_flags;
};

int ntlm_init(void);
int ntlm_nt_hash(const char *password, unsigned char out[16]);
int ntlm_ntowfv2(const unsigned char nt_hash[16], const char *user,
		 const char *domain, unsigned char out[16]);
int ntlm_hmac_md5(const unsigned char key[16], const unsigned char *a,
		  size_t alen, const unsigned char *b, size_t blen,
		  unsigned char out[16]);
int ntlm_parse_negotiate(const unsigned char *msg, size_t len,
			 uint32_t *flags);
size_t ntlm_build_challenge(unsigned char *out, size_t cap,
			    const unsigned char chal[8],
			    const struct ntlm_names *names, uint64_t filetime);
int ntlm_parse_authenticate(const unsigned char *msg, size_t len,
			    struct ntlm_auth *out);
int ntlm_to_utf8(const struct ntlm_auth *a, const unsigned char *s,
		 size_t len, char *out, size_t cap);
int ntlm_verify_v2(const struct ntlm_auth *a, const char *password,
		   const unsigned char chal[8]);
int ntlm_verify(const struct ntlm_auth *a, const char *password,
		const struct ntlm_exchange *x);
int ntlm_rc4(const unsigned char key[16], const unsigned char in[16],
	     unsigned char out[16]);

/* ---- conn.c: one client connection, HTTP auth, the serve loop ------- */

struct conn_config {
	enum srv_auth auth;
	int tls;
	const char *stats_file;
	struct ntlm_names names;
};

void conn_configure(const struct conn_config *cfg);
void conn_serve(struct soap *soap, const char *peer, int slot, int busy);
unsigned long conn_handshakes(void);
const struct srv_user *conn_user(struct soap *soap);
void conn_note(struct soap *soap, const char *op, const char *outcome);
void conn_keep_after_fault(struct soap *soap);

/* ---- ops.c: the eleven operations and their faults ------------------ */

int ops_fault(struct soap *soap, const char *type, const char *text);
void ops_invalid_request(struct soap *soap, const char **code,
			 const char **text);

/* ---- listen.c: the listening socket and connection threads ---------- */

#define LISTEN_CONN_DEFAULT 256
#define LISTEN_CONN_LIMIT 1024

struct listen_config {
	const char *host;
	int port;
	const char *cert;
	const char *key;
	const char *port_file;
	int max_seconds;
	int keep_alive_max;	/* requests per connection */
	int max_connections;
	double idle_seconds;	/* keep-alive wait for the next request */
	double request_seconds;	/* a request's first byte to its answer */
};

/* Exit codes of startup failures: the operator must fix a setting. */
#define SRV_EXIT_CONFIG 2

int listen_run(const struct listen_config *cfg);
void listen_request_started(int slot);
void listen_request_done(int slot);

#endif
