/*
 * hostile.c - the library against servers that misbehave on purpose
 * (tests/scripted_server.py): odd and hostile bodies, lying lengths,
 * slow and dead peers, NTLM traps, bad certificates. Each must end with
 * the right error, in bounded time, and never send PlayOnPhone twice.
 *
 * usage: hostile PKI_DIR
 * UMWS_TEST_SLOW, when set (under valgrind), widens the time bounds.
 * Ports come from the environment: PORT (the main scripted server),
 * EXPIRED_PORT, SELFSIGNED_PORT, OLDTLS_PORT and MTLS_PORT (a server
 * that requires a client certificate).
 */
#include "umws.h"
#include "testutil.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *pki;
static char ca[512];
static int port;

static umws_client *client_on(int p, const char *mode, umws_auth auth,
			      long timeout_ms)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;
	char url[256];

	snprintf(url, sizeof(url), "https://localhost:%d/%s/EWS/"
		 "UM2007Legacy.asmx", p, mode);
	o.url = url;
	o.ca_file = ca;
	o.timeout_ms = timeout_ms ? timeout_ms : 10000;
	o.auth = auth;
	if (auth != UMWS_AUTH_NONE) {
		o.user = "EXAMPLE\\alice";
		o.password = "pa55word";
	}
	if (umws_client_new(&c, &o) != UMWS_OK)
		t_die("cannot create a client");
	return c;
}

static umws_client *client(const char *mode)
{
	return client_on(port, mode, UMWS_AUTH_NONE, 0);
}

/* How many requests the server counted under KEY ("mode:Action"). */
static long server_count(const char *key)
{
	char url[128], *body = NULL, pat[160], *hit;
	size_t len = 0;
	FILE *mem = open_memstream(&body, &len);
	CURL *h = curl_easy_init();
	long n = -1;

	snprintf(url, sizeof(url), "https://localhost:%d/stats", port);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, mem);
	if (curl_easy_perform(h) != CURLE_OK)
		t_die("cannot read the server's counts");
	curl_easy_cleanup(h);
	fclose(mem);
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	hit = strstr(body, pat);
	n = hit ? atol(hit + strlen(pat)) : 0;
	free(body);
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- bodies ------------------------------------------------------ */

static int info_from(const char *mode, umws_call_info *info,
		     umws_client **keep)
{
	umws_client *c = client(mode);
	int rc = umws_get_call_info(info, c, "Y2FsbA==");

	if (keep)
		*keep = c;
	else
		umws_client_free(c);
	return rc;
}

static void odd_but_valid_bodies_work(void)
{
	umws_call_info info;

	T_INT(info_from("body/extras", &info, NULL), UMWS_OK);
	T_STR(info.state_text, "Connected");
	T_STR(info.cause_text, "None");
	T_INT(info_from("body/unknown-enum", &info, NULL), UMWS_OK);
	T_INT(info.state, UMWS_STATE_UNKNOWN);
	T_STR(info.state_text, "Ringing");
	T_INT(info.cause, UMWS_CAUSE_UNKNOWN);
	T_STR(info.cause_text, "CarrierLost");
	T_INT(info_from("chunked", &info, NULL), UMWS_OK);
	T_STR(info.state_text, "Alerted");
	T_INT(info_from("gzip", &info, NULL), UMWS_OK);
	T_INT(info_from("bom", &info, NULL), UMWS_OK);
}

static void malformed_bodies_are_protocol_errors(void)
{
	static const char *const names[] = {
		"charref-nul", "charref-empty", "charref-surrogate",
		"entity-undefined", "doctype", "bad-utf8", "truncated",
		"html", "not-envelope", "wrong-result", "no-result",
		"empty-result", "empty-state", "latin1", "wrong-encoding",
		"prefix-undeclared", "utf16",
	};
	char mode[64];
	umws_call_info info;
	umws_client *c;

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		t_case = names[i];
		snprintf(mode, sizeof(mode), "body/%s", names[i]);
		T_INT(info_from(mode, &info, &c), UMWS_EPROTO);
		T_TRUE(strstr(umws_client_error(c)->message, "GetCallInfo"));
		T_INT(info.state_text[0], 0);
		umws_client_free(c);
	}
	/* libxml2 names the fault, not gSOAP's "not a soap envelope" */
	t_case = "prefix-undeclared";
	T_INT(info_from("body/prefix-undeclared", &info, &c), UMWS_EPROTO);
	T_TRUE(strstr(umws_client_error(c)->message,
		      "namespace prefix um on GetCallInfoResponse is not "
		      "defined") != NULL);
	umws_client_free(c);
}

static void limits_hold_against_depth_and_size(void)
{
	umws_call_info info;
	umws_client *c;
	double t0;

	T_INT(info_from("deep/100000", &info, &c), UMWS_EPROTO);
	T_TRUE(strstr(umws_client_error(c)->message, "depth") != NULL);
	umws_client_free(c);
	/* gSOAP's cost grows with the square of these; refused at once */
	t0 = now_s();
	T_INT(info_from("attrs/30000", &info, NULL), UMWS_EPROTO);
	T_INT(info_from("nsflood/50000", &info, NULL), UMWS_EPROTO);
	T_TRUE(now_s() - t0 < (getenv("UMWS_TEST_SLOW") ? 60 : 3));
	T_INT(info_from("attrs/40", &info, NULL), UMWS_OK);
	T_INT(info_from("hugetext/5000000", &info, NULL), UMWS_EPROTO);
	T_INT(info_from("hugetext/9000000", &info, NULL), UMWS_ETOOBIG);
	T_INT(info_from("big", &info, NULL), UMWS_ETOOBIG);
}

static void call_ids_from_the_server_are_checked(void)
{
	umws_client *c = client("body/empty-callid");
	char *id = NULL;

	T_INT(umws_play_on_phone(&id, c, "AAAA", "4200"), UMWS_EPROTO);
	T_TRUE(id == NULL);
	umws_client_free(c);
	c = client("body/padded-callid");
	T_INT(umws_play_on_phone(&id, c, "AAAA", "4200"), UMWS_OK);
	T_STR(id, "Y2FsbHx1bS5leGFtcGxl");
	umws_free(id);
	umws_client_free(c);
}

/* ---- faults ------------------------------------------------------ */

static void check_fault(const char *name, umws_fault_kind kind,
			const char *type, const char *text)
{
	char mode[64];
	umws_call_info info;
	umws_client *c;
	const umws_error *e;

	t_case = name;
	snprintf(mode, sizeof(mode), "body/%s", name);
	T_INT(info_from(mode, &info, &c), UMWS_EFAULT);
	e = umws_client_error(c);
	T_INT(e->fault_kind, kind);
	if (type)
		T_STR(e->exception_type, type);
	else
		T_TRUE(e->exception_type == NULL);
	T_STR(e->fault_string, text);
	T_INT(e->http_status, 500);
	T_TRUE(strstr(e->message, text) != NULL);
	umws_client_free(c);
}

static void faults_in_every_form_map_to_their_kind(void)
{
	check_fault("fault-qualified-no-detail", UMWS_FAULT_INVALID_CALL_ID,
		    "InvalidCallIdException",
		    "The call identifier is not valid.");
	check_fault("fault-client-plain-type",
		    UMWS_FAULT_INVALID_PHONE_NUMBER,
		    "InvalidPhoneNumberException", "Bad number.");
	check_fault("fault-server-prefixed-type",
		    UMWS_FAULT_IP_GATEWAY_NOT_FOUND,
		    "IPGatewayNotFoundException", "No gateway.");
	check_fault("fault-default-ns-type", UMWS_FAULT_USER_NOT_UM_ENABLED,
		    "UserNotUmEnabledException", "Not enabled.");
	check_fault("fault-server-no-detail", UMWS_FAULT_OTHER, NULL,
		    "Something broke.");
	check_fault("fault-unknown-type", UMWS_FAULT_OTHER,
		    "BrandNewException", "New thing.");
	check_fault("fault-invalid-request", UMWS_FAULT_INVALID_REQUEST,
		    "ErrorInvalidRequest", "The request is not valid.");
	check_fault("fault-principal", UMWS_FAULT_INVALID_PRINCIPAL,
		    "InvalidPrincipalException", "Principal.");
	check_fault("fault-ad-recipient", UMWS_FAULT_INVALID_AD_RECIPIENT,
		    "InvalidADRecipientException", "Recipient.");
	check_fault("fault-sip", UMWS_FAULT_INVALID_SIP_URI,
		    "InvalidSipUriException", "Sip.");
	check_fault("fault-um-server", UMWS_FAULT_UM_SERVER_NOT_FOUND,
		    "UMServerNotFoundException", "UM down.");
	check_fault("fault-transport", UMWS_FAULT_TRANSPORT,
		    "TransportException", "Telephony.");
	check_fault("fault-object-id", UMWS_FAULT_INVALID_OBJECT_ID,
		    "InvalidObjectIdException", "Object.");
}

/* ---- broken transfers ---------------------------------------------- */

static void lying_lengths_and_resets_are_errors(void)
{
	umws_call_info info;
	umws_client *c;

	T_INT(info_from("shortcl", &info, NULL), UMWS_EPROTO);
	T_TRUE(info_from("longcl", &info, NULL) != UMWS_OK);
	T_INT(info_from("reset", &info, &c), UMWS_ECONNECT);
	T_TRUE(umws_client_error(c)->message[0] != '\0');
	umws_client_free(c);
}

static void slow_and_silent_servers_time_out(void)
{
	umws_client *c = client_on(port, "drip", UMWS_AUTH_NONE, 1500);
	umws_call_info info;
	double t0 = now_s();

	T_INT(umws_get_call_info(&info, c, "Y2FsbA=="), UMWS_ETIMEOUT);
	T_TRUE(now_s() - t0 < 5);
	umws_client_free(c);
	c = client_on(port, "hang", UMWS_AUTH_NONE, 1000);
	t0 = now_s();
	T_INT(umws_get_call_info(&info, c, "Y2FsbA=="), UMWS_ETIMEOUT);
	T_TRUE(now_s() - t0 < 4);
	umws_client_free(c);
}

/* The server reads the request and the kept-alive connection dies
 * before any answer: the request may have been acted on. */
static void play_on_phone_is_never_sent_twice(void)
{
	umws_client *c = client("dropfirst");
	umws_call_info info;
	char *id = NULL;
	int on;

	T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
	T_INT(umws_play_on_phone(&id, c, "AAAA", "4200"), UMWS_ECONNECT);
	T_INT(server_count("dropfirst:PlayOnPhone"), 1);
	T_TRUE(id == NULL);
	T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
	T_INT(umws_reset_pin(c), UMWS_ECONNECT);
	T_INT(server_count("dropfirst:ResetPIN"), 1);
	T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
	T_INT(umws_get_call_info(&info, c, "Y2FsbA=="), UMWS_OK);
	T_INT(server_count("dropfirst:GetCallInfo"), 2);
	umws_client_free(c);
}

/* ---- authentication traps ------------------------------------------ */

static void refused_ntlm_ends_without_a_loop(void)
{
	umws_client *c = client_on(port, "ntlmdeny", UMWS_AUTH_NTLM, 0);
	int on;

	T_INT(umws_is_um_enabled(&on, c), UMWS_EAUTH);
	T_INT(umws_client_error(c)->http_status, 401);
	T_TRUE(server_count("ntlmdeny:IsUMEnabled") <= 4);
	umws_client_free(c);
	c = client_on(port, "ntlmclose", UMWS_AUTH_NTLM, 0);
	T_INT(umws_is_um_enabled(&on, c), UMWS_EAUTH);
	T_TRUE(server_count("ntlmclose:IsUMEnabled") <= 4);
	umws_client_free(c);
	c = client_on(port, "bare401", UMWS_AUTH_NTLM, 0);
	T_INT(umws_is_um_enabled(&on, c), UMWS_EAUTH);
	T_TRUE(server_count("bare401:IsUMEnabled") <= 2);
	umws_client_free(c);
}

/* The 401 means the server did not act on the request, so the body is
 * sent again after the new handshake: PlayOnPhone runs exactly once. */
static void check_rechallenge(const char *mode, long runs_before)
{
	umws_client *c = client_on(port, mode, UMWS_AUTH_NTLM, 0);
	umws_call_info info;
	char *id = NULL;
	int on;

	t_case = mode;
	T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
	T_INT(umws_get_call_info(&info, c, "Y2FsbA=="), UMWS_OK);
	T_INT(umws_play_on_phone(&id, c, "AAAA", "4200"), UMWS_OK);
	T_TRUE(id != NULL);
	T_INT(server_count("rechallenge:run:PlayOnPhone"), runs_before + 1);
	T_INT(umws_get_call_info(&info, c, "Y2FsbA=="), UMWS_OK);
	T_INT(server_count("rechallenge:run:GetCallInfo"),
	      2 * runs_before + 2);
	umws_free(id);
	umws_client_free(c);
}

static void a_live_connection_challenged_again_recovers(void)
{
	check_rechallenge("rechallenge", 0);
	check_rechallenge("rechallenge/close", 1);
}

/* ---- certificates -------------------------------------------------- */

static void check_tls(const char *env, const char *why)
{
	const char *p = getenv(env);
	umws_client *c;
	int on;

	t_case = env;
	if (!p)
		t_die("a TLS port is missing from the environment");
	c = client_on(atoi(p), "ok", UMWS_AUTH_NONE, 0);
	T_INT(umws_is_um_enabled(&on, c), UMWS_ETLS);
	if (why && !strstr(umws_client_error(c)->message, why))
		T_FAIL("expected \"%s\" in \"%s\"", why,
		       umws_client_error(c)->message);
	umws_client_free(c);
}

/* A server that wants a client certificate: refused without, fine with
 * one; and trust from a hashed CA directory instead of a file. */
static void client_certificates_and_ca_directories_work(void)
{
	umws_options o = UMWS_OPTIONS_INIT;
	const char *p = getenv("MTLS_PORT");
	char url[256], cert[600], key[600], dir[600];
	umws_client *c = NULL;
	int on, rc;

	if (!p)
		t_die("MTLS_PORT is missing from the environment");
	snprintf(url, sizeof(url), "https://localhost:%s/ok/x", p);
	snprintf(cert, sizeof(cert), "%s/client.pem", pki);
	snprintf(key, sizeof(key), "%s/client.key", pki);
	snprintf(dir, sizeof(dir), "%s/cadir", pki);
	o.url = url;
	o.ca_path = dir;
	T_INT(umws_client_new(&c, &o), UMWS_OK);
	/* TLS 1.3 refuses the missing certificate after the handshake: the
	 * client sees a TLS alert or, from this server, a closed socket. */
	rc = umws_is_um_enabled(&on, c);
	T_TRUE(rc == UMWS_ETLS || rc == UMWS_ECONNECT);
	umws_client_free(c);
	o.client_cert = cert;
	o.client_key = key;
	T_INT(umws_client_new(&c, &o), UMWS_OK);
	T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
	umws_client_free(c);
}

static void bad_certificates_and_old_tls_are_tls_errors(void)
{
	check_tls("EXPIRED_PORT", "expired");
	check_tls("SELFSIGNED_PORT", "self");
	check_tls("OLDTLS_PORT", NULL);
}

int main(int argc, char **argv)
{
	if (argc != 2 || !getenv("PORT"))
		t_die("usage: PORT=N ... hostile PKI_DIR");
	pki = argv[1];
	port = atoi(getenv("PORT"));
	snprintf(ca, sizeof(ca), "%s/ca.pem", pki);
	umws_global_init();
	T_RUN(odd_but_valid_bodies_work);
	T_RUN(malformed_bodies_are_protocol_errors);
	T_RUN(limits_hold_against_depth_and_size);
	T_RUN(call_ids_from_the_server_are_checked);
	T_RUN(faults_in_every_form_map_to_their_kind);
	T_RUN(lying_lengths_and_resets_are_errors);
	T_RUN(slow_and_silent_servers_time_out);
	T_RUN(play_on_phone_is_never_sent_twice);
	T_RUN(refused_ntlm_ends_without_a_loop);
	T_RUN(a_live_connection_challenged_again_recovers);
	T_RUN(bad_certificates_and_old_tls_are_tls_errors);
	T_RUN(client_certificates_and_ca_directories_work);
	umws_global_cleanup();
	return t_report("hostile");
}
