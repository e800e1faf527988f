/*
 * keepalive.c - N operations on one client; prints how many connections
 * the client opened. integration.sh compares the server's NTLM handshake
 * count before and after: keep-alive must cost one handshake.
 *
 * usage: keepalive URL CA_FILE USER N   (password in UMWS_TEST_PASSWORD)
 */
#include "umws.h"
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	umws_options o = UMWS_OPTIONS_INIT;
	umws_client *c = NULL;
	umws_properties p;
	int n, on;

	if (argc != 5 || !getenv("UMWS_TEST_PASSWORD"))
		t_die("usage: keepalive URL CA_FILE USER N "
		      "(password in UMWS_TEST_PASSWORD)");
	o.url = argv[1];
	o.ca_file = argv[2];
	o.user = argv[3];
	o.auth = UMWS_AUTH_NTLM;
	o.password = getenv("UMWS_TEST_PASSWORD");
	n = atoi(argv[4]);
	umws_global_init();
	if (umws_client_new(&c, &o) != UMWS_OK)
		t_die("cannot create a client");
	for (int i = 0; i < n; i++) {
		T_INT(umws_is_um_enabled(&on, c), UMWS_OK);
		T_INT(umws_get_properties(&p, c), UMWS_OK);
		umws_properties_clear(&p);
	}
	T_INT(umws_client_connections(c), 1);
	umws_client_free(c);
	umws_global_cleanup();
	return t_report("keepalive");
}
