/*
 * properties.c - read a user's UM settings and, given a dial string,
 * make it the default for PlayOnPhone and flip out-of-office.
 *
 *   UMWS_PASSWORD=... ./properties URL CA_FILE USER [DIAL_STRING]
 *
 * Build against the installed library:
 *   cc properties.c $(pkg-config --cflags --libs umws) -o properties
 */
#include <stdio.h>
#include <stdlib.h>

#include <umws.h>

static int fail(umws_client *c, const char *what)
{
	fprintf(stderr, "properties: %s: %s\n", what,
		umws_client_error(c)->message);
	return 1;
}

/* Prints the settings; *oof receives the out-of-office status. */
static int show(umws_client *c, int *oof)
{
	umws_properties p;

	if (umws_get_properties(&p, c) != UMWS_OK)
		return fail(c, "GetUMProperties");
	printf("out of office:         %s\n", p.oof_status ? "on" : "off");
	printf("missed-call mail:      %s\n",
	       p.missed_call_notification ? "on" : "off");
	printf("default dial string:   %s\n", p.play_on_phone_dial_string);
	printf("access numbers:        %s\n", p.telephone_access_numbers);
	*oof = p.oof_status;
	/* The strings in p are ours: one call releases them all. */
	umws_properties_clear(&p);
	return 0;
}

static int run(umws_client *c, const char *dial)
{
	int enabled, oof;

	if (umws_is_um_enabled(&enabled, c) != UMWS_OK)
		return fail(c, "IsUMEnabled");
	if (!enabled) {
		printf("the user is not enabled for Unified Messaging\n");
		return 1;
	}
	if (show(c, &oof))
		return 1;
	if (!dial)
		return 0;

	if (umws_set_play_on_phone_dial_string(c, dial) != UMWS_OK)
		return fail(c, "SetPlayOnPhoneDialString");
	if (umws_set_oof_status(c, !oof) != UMWS_OK)
		return fail(c, "SetOofStatus");
	printf("-- changed:\n");
	return show(c, &oof);
}

int main(int argc, char **argv)
{
	umws_options opts = UMWS_OPTIONS_INIT;
	umws_client *c;
	char why[256];
	int rc;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: properties URL CA_FILE USER "
			"[DIAL_STRING] (password in UMWS_PASSWORD)\n");
		return 2;
	}
	if (umws_global_init() != UMWS_OK)
		return 1;

	opts.url = argv[1];
	opts.ca_file = argv[2];
	opts.auth = UMWS_AUTH_NTLM;
	opts.user = argv[3];
	/* Never on the command line, where ps(1) would show it. */
	opts.password = getenv("UMWS_PASSWORD");
	if (umws_client_new2(&c, &opts, why, sizeof(why)) != UMWS_OK) {
		fprintf(stderr, "properties: %s\n", why);
		umws_global_cleanup();
		return 1;
	}

	/* One client, one connection: NTLM authenticates only once. */
	rc = run(c, argc == 5 ? argv[4] : NULL);
	umws_client_free(c);
	umws_global_cleanup();
	return rc;
}
