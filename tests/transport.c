/*
 * transport.c - the library over real TLS and HTTP against the scripted
 * loopback server (tests/scripted_server.py), which answers with the
 * fixtures or misbehaves as the URL path asks.
 *
 * usage: transport PKI_DIR PORT WRONG_HOST_PORT
 */
#include "umws.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *pki;
static int port, wrong_port;
static char ca[512], other_ca[512], pin[256];

static void make_url(char *buf, size_t len, const char *host, int p,
		     const char *mode)
{
	snprintf(buf, len, "https://%s:%d/%s/EWS/UM2007Legacy.asmx", host, p,
		 mode);
}

static umws_client *client(const char *mode, const char *ca_file,
			   umws_options *tweak)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;
	char url[256];
	char err[256];

	if (tweak)
		o = *tweak;
	make_url(url, sizeof(url), "localhost", port, mode);
	if (!o.url)
		o.url = url;
	o.ca_file = ca_file;
	if (!o.timeout_ms)
		o.timeout_ms = 10000;
	if (umws_client_new2(&c, &o, err, sizeof(err)) != UMWS_OK) {
		fprintf(stderr, "client: %s\n", err);
		t_die("cannot create a client");
	}
	return c;
}

static int enabled_rc(umws_client *c)
{
	int on = -1;
	int rc = umws_is_um_enabled(&on, c);

	if (rc == UMWS_OK && on != 0)
		T_FAIL("IsUMEnabled: expected 0, got %d", on);
	return rc;
}

static void all_operations_over_verified_tls(void)
{
	umws_client *c = client("ok", ca, NULL);
	umws_call_info info;
	umws_properties p;
	char *id = NULL, *gid = NULL;

	T_INT(umws_play_on_phone(&id, c, "AAAA", "+14255550142"), UMWS_OK);
	T_TRUE(id && strlen(id) > 10);
	T_INT(umws_play_greeting(&gid, c, UMWS_GREETING_OOF, "4200"),
	      UMWS_OK);
	T_STR(gid, id);
	umws_free(gid);
	T_INT(umws_get_call_info(&info, c, id), UMWS_OK);
	T_STR(info.state_text, "Alerted");
	T_INT(umws_disconnect(c, id), UMWS_OK);
	T_INT(enabled_rc(c), UMWS_OK);
	T_INT(umws_get_properties(&p, c), UMWS_OK);
	T_STR(p.play_on_phone_dial_string, "4200");
	umws_properties_clear(&p);
	T_INT(umws_set_oof_status(c, 1), UMWS_OK);
	T_INT(umws_set_play_on_phone_dial_string(c, "4200"), UMWS_OK);
	T_INT(umws_set_telephone_access_folder(c, "AAAA"), UMWS_OK);
	T_INT(umws_set_missed_call_notification(c, 0), UMWS_OK);
	T_INT(umws_reset_pin(c), UMWS_OK);
	T_INT(umws_client_connections(c), 1);
	umws_free(id);
	umws_client_free(c);
}

static void keep_alive_uses_one_connection(void)
{
	umws_client *c = client("ok", ca, NULL);

	for (int i = 0; i < 20; i++)
		T_INT(enabled_rc(c), UMWS_OK);
	T_INT(umws_client_connections(c), 1);
	umws_client_free(c);
}

static void tls_failures_are_tls_errors(void)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c;
	char url[256];

	c = client("ok", other_ca, NULL);
	T_INT(enabled_rc(c), UMWS_ETLS);
	umws_client_free(c);
	c = client("ok", NULL, NULL);
	T_INT(enabled_rc(c), UMWS_ETLS);
	umws_client_free(c);
	make_url(url, sizeof(url), "127.0.0.1", wrong_port, "ok");
	o.url = url;
	c = client("ok", ca, &o);
	T_INT(enabled_rc(c), UMWS_ETLS);
	T_TRUE(strstr(umws_client_error(c)->message, "wrong.example") ||
	       strstr(umws_client_error(c)->message, "name"));
	umws_client_free(c);
	o.url = NULL;
	o.pinned_pubkey =
		"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
	c = client("ok", ca, &o);
	T_INT(enabled_rc(c), UMWS_ETLS);
	umws_client_free(c);
}

static void pin_and_insecure_work_when_asked(void)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c;

	o.pinned_pubkey = pin;
	c = client("ok", ca, &o);
	T_INT(enabled_rc(c), UMWS_OK);
	umws_client_free(c);
	o.pinned_pubkey = NULL;
	o.insecure = 1;
	c = client("ok", other_ca, &o);
	T_INT(enabled_rc(c), UMWS_OK);
	umws_client_free(c);
}

static void http_errors_keep_their_layer(void)
{
	struct {
		const char *mode;
		int code;
		long status;
	} cases[] = {
		{ "redirect", UMWS_EHTTP, 302 },
		{ "html500", UMWS_EHTTP, 500 },
		{ "busy503", UMWS_EHTTP, 503 },
		{ "empty200", UMWS_EPROTO, 200 },
		{ "notxml", UMWS_EPROTO, 200 },
		{ "big", UMWS_ETOOBIG, 200 },
		{ "basic", UMWS_EAUTH, 401 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		umws_client *c = client(cases[i].mode, ca, NULL);

		t_case = cases[i].mode;
		T_INT(enabled_rc(c), cases[i].code);
		T_INT(umws_client_error(c)->http_status, cases[i].status);
		T_TRUE(umws_client_error(c)->message[0] != '\0');
		if (cases[i].status == 503)
			T_TRUE(strstr(umws_client_error(c)->message,
				      "retry after 30 s") != NULL);
		if (cases[i].status == 302)
			T_TRUE(strstr(umws_client_error(c)->message,
				      "elsewhere.example") != NULL);
		umws_client_free(c);
	}
}

static void gzip_and_bom_bodies_work(void)
{
	umws_client *c = client("gzip", ca, NULL);

	T_INT(enabled_rc(c), UMWS_OK);
	umws_client_free(c);
	c = client("bom", ca, NULL);
	T_INT(enabled_rc(c), UMWS_OK);
	umws_client_free(c);
}

static void timeouts_and_refused_connections(void)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c;

	o.timeout_ms = 700;
	c = client("slow", ca, &o);
	T_INT(enabled_rc(c), UMWS_ETIMEOUT);
	umws_client_free(c);
	o.timeout_ms = 0;
	o.url = "https://127.0.0.1:1/EWS/UM2007Legacy.asmx";
	c = client("ok", ca, &o);
	T_INT(enabled_rc(c), UMWS_ECONNECT);
	umws_client_free(c);
}

static void basic_auth_over_tls(void)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c;
	const umws_error *e;

	o.auth = UMWS_AUTH_BASIC;
	o.user = "EXAMPLE\\alice";
	o.password = "s3cret";
	c = client("basic", ca, &o);
	T_INT(enabled_rc(c), UMWS_OK);
	umws_client_free(c);
	o.password = "wrong-password";
	c = client("basic", ca, &o);
	T_INT(enabled_rc(c), UMWS_EAUTH);
	e = umws_client_error(c);
	T_TRUE(strstr(e->message, "wrong-password") == NULL);
	umws_client_free(c);
}

static void read_pin(void)
{
	size_t len = 0;
	char path[600], *p;

	snprintf(path, sizeof(path), "%s/server.pin", pki);
	p = t_read_file(path, &len);
	if (!p)
		t_die("no server.pin");
	snprintf(pin, sizeof(pin), "%.*s", (int)strcspn(p, "\n"), p);
	free(p);
}

int main(int argc, char **argv)
{
	if (argc != 4)
		t_die("usage: transport PKI_DIR PORT WRONG_HOST_PORT");
	pki = argv[1];
	port = atoi(argv[2]);
	wrong_port = atoi(argv[3]);
	snprintf(ca, sizeof(ca), "%s/ca.pem", pki);
	snprintf(other_ca, sizeof(other_ca), "%s/other-ca.pem", pki);
	read_pin();
	umws_global_init();
	T_RUN(all_operations_over_verified_tls);
	T_RUN(keep_alive_uses_one_connection);
	T_RUN(tls_failures_are_tls_errors);
	T_RUN(pin_and_insecure_work_when_asked);
	T_RUN(http_errors_keep_their_layer);
	T_RUN(gzip_and_bom_bodies_work);
	T_RUN(timeouts_and_refused_connections);
	T_RUN(basic_auth_over_tls);
	umws_global_cleanup();
	return t_report("transport");
}
