/* umws-server: command line of the reference UM server. */
#include "server.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct options {
	struct listen_config listen;
	struct calls_config calls;
	struct conn_config conn;
	const char *users_file;
	char host[256];
	char fqdn[256];
};

static const char usage_text[] =
"usage: umws-server [options]\n"
"Reference server for Exchange's Unified Messaging web service\n"
"(SOAP 1.1, POST /EWS/UM2007Legacy.asmx or\n"
"/UnifiedMessaging/Service.asmx), with simulated telephony.\n"
"\n"
"  --listen HOST:PORT   address to listen on (default 127.0.0.1:8443);\n"
"                       port 0 picks a free port\n"
"  --cert FILE          TLS certificate chain (PEM); without it: http\n"
"  --key FILE           TLS private key (PEM)\n"
"  --users FILE         lines DOMAIN:user:password[:disabled]\n"
"  --auth MODE          ntlm (default), basic (needs --cert) or none\n"
"  --fqdn NAME          server name put in CallIds (default: host name)\n"
"  --time-scale X       multiply every simulated duration by X (1)\n"
"  --ring-seconds S     ring time of a call (4)\n"
"  --message-seconds S  length of the played message (10)\n"
"  --retention S        seconds an ended call is remembered (60,\n"
"                       not scaled)\n"
"  --port-file FILE     write the bound port to FILE\n"
"  --stats-file FILE    rewrite 'ntlm_handshakes N' on each handshake\n"
"                       (also served as GET /stats)\n"
"  --max-seconds N      exit by itself after N seconds (0: never)\n"
"  --keep-alive-max N   requests served on one connection before it\n"
"                       is closed (1000)\n"
"  --max-connections N  connections served at once (256, at most\n"
"                       1024); 16 more are answered 503, others closed\n"
"  --idle-timeout S     close a connection that has not begun a\n"
"                       request within S seconds (5)\n"
"  --request-timeout S  cut a request not read and answered within S\n"
"                       seconds of its first byte (10)\n"
"  -v                   log more\n"
"\n"
"Requests: a body of at most 64 KiB (else 413), with Content-Length\n"
"(chunked: 411), uncompressed (415), well-formed UTF-8 XML without a\n"
"DOCTYPE and with at most 256 attributes (else ErrorInvalidRequest).\n"
"Other paths get 404; GET /stats is the one page.\n"
"Exit status: 0 stopped by a signal or --max-seconds; 2 bad options\n"
"or files (users, certificate, port file); 1 other failures.\n"
"\n"
"Dial strings (PlayOnPhone, PlayOnPhoneGreeting), in this order:\n"
"  empty, over 64 chars, no digit, or other than digits + ( ) - space\n"
"                       InvalidPhoneNumberException\n"
"  sip:user@host        answered; other sip: InvalidSipUriException\n"
"  digits start 00 or contain 9999\n"
"                       DialingRulesException\n"
"  ...0001              busy: rings briefly, Disconnected/UserBusy\n"
"  ...0002              rings out: Disconnected/NoAnswer\n"
"  ...0003              Disconnected/Unavailable without ringing\n"
"  anything else        Connecting, Alerted, Connected, then\n"
"                       Disconnected/None after the message\n"
"A second call while one of the same user is up:\n"
"                       CallInProgressException\n"
"Users marked disabled get IsUMEnabled false and\n"
"UserNotUmEnabledException from every other operation.\n";

static void usage(FILE *to)
{
	fputs(usage_text, to);
}

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, SRV_NAME ": %s: %s\n", what, arg);
	return -1;
}

static int number_in(const char *arg, double min, double max, double *out)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || !(v >= min && v <= max))
		return fail("not a valid number", arg);
	*out = v;
	return 0;
}

static int number(const char *arg, double min, double *out)
{
	return number_in(arg, min, 1e7, out);
}

static int parse_listen(struct options *o, const char *arg)
{
	const char *colon = strrchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : 0;
	double port;

	if (!colon || n == 0 || n >= sizeof(o->host) ||
	    number(colon + 1, 0, &port) || port > 65535)
		return fail("expected --listen HOST:PORT", arg);
	memcpy(o->host, arg, n);
	o->host[n] = '\0';
	if (o->host[0] == '[' && n > 2 && o->host[n - 1] == ']') {
		memmove(o->host, o->host + 1, n - 2);
		o->host[n - 2] = '\0';
	}
	o->listen.port = (int)port;
	return 0;
}

static int parse_auth(struct options *o, const char *arg)
{
	if (!strcmp(arg, "ntlm"))
		o->conn.auth = SRV_AUTH_NTLM;
	else if (!strcmp(arg, "basic"))
		o->conn.auth = SRV_AUTH_BASIC;
	else if (!strcmp(arg, "none"))
		o->conn.auth = SRV_AUTH_NONE;
	else
		return fail("--auth takes ntlm, basic or none", arg);
	return 0;
}

enum {
	OPT_LISTEN = 256, OPT_CERT, OPT_KEY, OPT_USERS, OPT_AUTH, OPT_FQDN,
	OPT_SCALE, OPT_RING, OPT_MESSAGE, OPT_RETENTION, OPT_PORT_FILE,
	OPT_STATS_FILE, OPT_MAX_SECONDS, OPT_KEEP_ALIVE_MAX,
	OPT_MAX_CONNECTIONS, OPT_IDLE_TIMEOUT, OPT_REQUEST_TIMEOUT
};

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "users", required_argument, NULL, OPT_USERS },
	{ "auth", required_argument, NULL, OPT_AUTH },
	{ "fqdn", required_argument, NULL, OPT_FQDN },
	{ "time-scale", required_argument, NULL, OPT_SCALE },
	{ "ring-seconds", required_argument, NULL, OPT_RING },
	{ "message-seconds", required_argument, NULL, OPT_MESSAGE },
	{ "retention", required_argument, NULL, OPT_RETENTION },
	{ "port-file", required_argument, NULL, OPT_PORT_FILE },
	{ "stats-file", required_argument, NULL, OPT_STATS_FILE },
	{ "max-seconds", required_argument, NULL, OPT_MAX_SECONDS },
	{ "keep-alive-max", required_argument, NULL, OPT_KEEP_ALIVE_MAX },
	{ "max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int set_fqdn(struct options *o, const char *arg)
{
	if (!*arg || strlen(arg) >= sizeof(o->fqdn) || strchr(arg, '|'))
		return fail("not a usable --fqdn", arg);
	snprintf(o->fqdn, sizeof(o->fqdn), "%s", arg);
	return 0;
}

static int set_max_seconds(struct options *o, const char *arg)
{
	double v;

	if (number(arg, 0, &v))
		return -1;
	o->listen.max_seconds = (int)v;
	return 0;
}

static int set_keep_alive_max(struct options *o, const char *arg)
{
	double v;

	if (number(arg, 1, &v))
		return -1;
	o->listen.keep_alive_max = (int)v;
	return 0;
}

static int set_max_connections(struct options *o, const char *arg)
{
	double v;

	if (number_in(arg, 1, LISTEN_CONN_LIMIT, &v))
		return -1;
	o->listen.max_connections = (int)v;
	return 0;
}

/* Bounded so that gSOAP's own timeouts, in whole seconds, fit. */
static int timeout(const char *arg, double *out)
{
	return number_in(arg, 0.1, 3600, out);
}

static int option(struct options *o, int c, const char *arg)
{
	switch (c) {
	case OPT_LISTEN: return parse_listen(o, arg);
	case OPT_CERT: o->listen.cert = arg; return 0;
	case OPT_KEY: o->listen.key = arg; return 0;
	case OPT_USERS: o->users_file = arg; return 0;
	case OPT_AUTH: return parse_auth(o, arg);
	case OPT_FQDN: return set_fqdn(o, arg);
	case OPT_SCALE: return number(arg, 1e-4, &o->calls.time_scale);
	case OPT_RING: return number(arg, 0, &o->calls.ring_seconds);
	case OPT_MESSAGE: return number(arg, 0, &o->calls.message_seconds);
	case OPT_RETENTION:
		return number(arg, 0, &o->calls.retention_seconds);
	case OPT_PORT_FILE: o->listen.port_file = arg; return 0;
	case OPT_STATS_FILE: o->conn.stats_file = arg; return 0;
	case OPT_MAX_SECONDS: return set_max_seconds(o, arg);
	case OPT_KEEP_ALIVE_MAX: return set_keep_alive_max(o, arg);
	case OPT_MAX_CONNECTIONS: return set_max_connections(o, arg);
	case OPT_IDLE_TIMEOUT: return timeout(arg, &o->listen.idle_seconds);
	case OPT_REQUEST_TIMEOUT:
		return timeout(arg, &o->listen.request_seconds);
	case 'v': srv_verbose++; return 0;
	case 'h': usage(stdout); exit(0);
	default: usage(stderr); return -1;
	}
}

static void defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	strcpy(o->host, "127.0.0.1");
	o->listen.host = o->host;
	o->listen.port = 8443;
	o->listen.keep_alive_max = 1000;
	o->listen.max_connections = LISTEN_CONN_DEFAULT;
	o->listen.idle_seconds = 5;
	o->listen.request_seconds = 10;
	o->conn.auth = SRV_AUTH_NTLM;
	o->calls = (struct calls_config){ 1.0, 1.0, 4.0, 10.0, 60.0, NULL };
	if (gethostname(o->fqdn, sizeof(o->fqdn)) != 0 || !*o->fqdn)
		strcpy(o->fqdn, "um.localhost");
	o->fqdn[sizeof(o->fqdn) - 1] = '\0';
}

/* Passwords must not cross plain http, so Basic demands TLS. */
static int check(const struct options *o)
{
	if (!o->listen.cert != !o->listen.key)
		return fail("--cert and --key go together", "give both");
	if (o->conn.auth == SRV_AUTH_BASIC && !o->listen.cert)
		return fail("--auth basic refuses plain http", "add --cert");
	if (o->conn.auth != SRV_AUTH_NONE && !o->users_file)
		return fail("--users is needed with --auth",
			    o->conn.auth == SRV_AUTH_NTLM ? "ntlm" : "basic");
	return 0;
}

static int parse_args(struct options *o, int argc, char **argv)
{
	int c;

	defaults(o);
	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1)
		if (option(o, c, optarg) != 0)
			return -1;
	if (optind < argc)
		return fail("unexpected argument", argv[optind]);
	return check(o);
}

static void upper_label(char *out, size_t cap, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < cap && name[i] && name[i] != '.'; i++)
		out[i] = (char)toupper((unsigned char)name[i]);
	out[i] = '\0';
}

/* NTLM's TargetInfo names, from --fqdn and the users file: a NetBIOS
 * name is the first label, upper-cased, at most 15 characters. */
static void ntlm_names(struct options *o)
{
	static char nb_computer[16], nb_domain[16];
	const char *dot = strchr(o->fqdn, '.');
	const char *dns_domain = dot && dot[1] ? dot + 1 : "localhost";
	const char *first = users_first_domain();

	upper_label(nb_computer, sizeof(nb_computer), o->fqdn);
	upper_label(nb_domain, sizeof(nb_domain), first ? first :
		    dns_domain);
	o->conn.names.nb_computer = nb_computer;
	o->conn.names.nb_domain = nb_domain;
	o->conn.names.dns_domain = dns_domain;
	o->conn.names.dns_computer = o->fqdn;
}

static void on_signal(int sig)
{
	srv_stopping = 1;
}

static void signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Every file named on the command line is tried before serving, so a
 * mistake stops the server with its reason instead of surfacing later
 * (or never: an unreadable users file would lock every client out). */
static int load_files(const struct options *o)
{
	char why[512];
	int err;

	if (o->users_file && users_load(o->users_file, why, sizeof(why))) {
		srv_log("%s", why);
		return -1;
	}
	if (o->conn.stats_file &&
	    (err = srv_write_file(o->conn.stats_file,
				  "ntlm_handshakes 0\n")) != 0) {
		srv_log("cannot write stats file %s: %s", o->conn.stats_file,
			strerror(-err));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o;

	if (parse_args(&o, argc, argv) != 0)
		return SRV_EXIT_CONFIG;
	if (load_files(&o) != 0)
		return SRV_EXIT_CONFIG;
	if (ntlm_init() != 0) {
		fail("no md4 or rc4 in openssl",
		     "is the legacy provider installed?");
		return 1;
	}
	o.calls.fqdn = o.fqdn;
	o.conn.tls = o.listen.cert != NULL;
	ntlm_names(&o);
	calls_configure(&o.calls);
	conn_configure(&o.conn);
	signals();
	return listen_run(&o.listen);
}
