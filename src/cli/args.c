/* args.c - the command line and the environment into a struct cli */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

enum opt_type {
	OPT_STRING,	/* const char * at off */
	OPT_FLAG,	/* int at off becomes 1 */
	OPT_COUNT,	/* int at off goes up by one */
	OPT_TIMEOUT,	/* meaning depends on where it stands */
	OPT_PASSWORD	/* refused: argv is visible to every user */
};

struct opt_def {
	const char *name;
	enum opt_type type;
	size_t off;
};

#define S(name, field) { name, OPT_STRING, offsetof(struct cli, field) }
#define F(name, field) { name, OPT_FLAG, offsetof(struct cli, field) }

static const struct opt_def opt_defs[] = {
	S("url", url), S("user", user), S("password-file", password_file),
	S("auth", auth_name), S("cacert", ca_file), S("capath", ca_path),
	S("pinnedpubkey", pinned_pubkey), S("cert", client_cert),
	S("key", client_key), S("dial", dial), S("until", until_name),
	F("insecure", insecure), F("allow-http", allow_http),
	F("json", json), F("help", help), F("version", version),
	F("wait", wait),
	{ "verbose", OPT_COUNT, offsetof(struct cli, verbose) },
	{ "timeout", OPT_TIMEOUT, 0 },
	{ "password", OPT_PASSWORD, 0 },
};

#undef S
#undef F

struct parser {
	struct cli *cli;
	int argc;
	char **argv;
	int i;
	int dashdash;
};

static const struct opt_def *find_opt(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof opt_defs / sizeof *opt_defs; i++)
		if (strlen(opt_defs[i].name) == len &&
		    strncmp(opt_defs[i].name, name, len) == 0)
			return &opt_defs[i];
	return NULL;
}

static int apply_opt(struct parser *p, const struct opt_def *d,
		     const char *value)
{
	char *base = (char *)p->cli;

	switch (d->type) {
	case OPT_STRING:
		*(const char **)(base + d->off) = value;
		break;
	case OPT_FLAG:
		*(int *)(base + d->off) = 1;
		break;
	case OPT_COUNT:
		(*(int *)(base + d->off))++;
		break;
	case OPT_TIMEOUT:
		if (p->cli->cmd)
			p->cli->timeout_post = value;
		else
			p->cli->timeout_pre = value;
		break;
	case OPT_PASSWORD:
		return cli_usage(p->cli, "--password is not accepted: pass "
				 "--password-file FILE or set UMWS_PASSWORD");
	}
	return 0;
}

static int long_opt(struct parser *p, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	const struct opt_def *d = find_opt(arg, len);
	int takes_value = d && (d->type == OPT_STRING ||
				d->type == OPT_TIMEOUT);

	if (!d)
		return cli_usage(p->cli, "unknown option --%.*s", (int)len,
				 arg);
	if (!takes_value && eq && d->type != OPT_PASSWORD)
		return cli_usage(p->cli, "--%s takes no value", d->name);
	if (!takes_value || eq)
		return apply_opt(p, d, eq ? eq + 1 : NULL);
	if (p->i >= p->argc)
		return cli_usage(p->cli, "--%s needs a value", d->name);
	return apply_opt(p, d, p->argv[p->i++]);
}

static int short_opts(struct parser *p, const char *arg)
{
	for (; *arg; arg++) {
		if (*arg == 'v')
			p->cli->verbose++;
		else if (*arg == 'h')
			p->cli->help = 1;
		else
			return cli_usage(p->cli, "unknown option -%c", *arg);
	}
	return 0;
}

static int positional(struct parser *p, const char *arg)
{
	struct cli *cli = p->cli;

	if (!cli->cmd) {
		cli->cmd = cli_command_find(arg);
		if (!cli->cmd)
			return cli_usage(cli, "unknown command '%s'", arg);
		return 0;
	}
	if (cli->nargs == CLI_MAX_ARGS)
		return cli_usage(cli, "too many arguments for %s",
				 cli->cmd->name);
	cli->args[cli->nargs++] = arg;
	return 0;
}

static int parse_one(struct parser *p)
{
	const char *arg = p->argv[p->i++];

	if (p->dashdash || arg[0] != '-' || arg[1] == '\0')
		return positional(p, arg);
	if (strcmp(arg, "--") == 0) {
		p->dashdash = 1;
		return 0;
	}
	if (arg[1] == '-')
		return long_opt(p, arg + 2);
	return short_opts(p, arg + 1);
}

/* Seconds, maybe fractional, to milliseconds; 0 stays 0 ("default"). */
static int parse_seconds(const struct cli *cli, const char *text, long *ms)
{
	char *end;
	double s = strtod(text, &end);

	/* capped so that the milliseconds fit a 32-bit long */
	if (end == text || *end || !isfinite(s) || s < 0 || s > 2000000)
		return cli_usage(cli, "--timeout needs a number of seconds "
				 "from 0 to 2000000, not '%s'", text);
	*ms = (long)(s * 1000 + 0.5);
	if (*ms == 0 && s > 0)
		*ms = 1;
	return 0;
}

/*
 * After play, greeting and wait, --timeout bounds the wait for the call;
 * anywhere else it bounds each request.
 */
static int resolve_timeouts(struct cli *cli)
{
	unsigned int flags = cli->cmd->flags;
	int waits = (flags & CMD_DEADLINE) || (cli->wait && flags & CMD_WAIT);
	int rc = 0;

	if (cli->wait)
		cli->deadline_ms = 120000;
	if (cli->timeout_pre)
		rc = parse_seconds(cli, cli->timeout_pre, &cli->timeout_ms);
	if (rc || !cli->timeout_post)
		return rc;
	return parse_seconds(cli, cli->timeout_post,
			     waits ? &cli->deadline_ms : &cli->timeout_ms);
}

static int misplaced(const struct cli *cli, const char *option)
{
	return cli_usage(cli, "%s does not apply to %s", option,
			 cli->cmd->name);
}

static int check_command(struct cli *cli)
{
	const struct cli_command *cmd = cli->cmd;

	if (cli->nargs != cmd->nargs)
		return cli_usage(cli, "usage: umws %s%s%s", cmd->name,
				 *cmd->synopsis ? " " : "", cmd->synopsis);
	if (cli->dial && !(cmd->flags & CMD_DIAL))
		return misplaced(cli, "--dial");
	if (!cli->dial && (cmd->flags & CMD_DIAL))
		return cli_usage(cli, "%s needs --dial NUMBER", cmd->name);
	if (cli->wait && !(cmd->flags & CMD_WAIT))
		return misplaced(cli, "--wait");
	if (cli->until_name && !(cmd->flags & CMD_UNTIL))
		return misplaced(cli, "--until");
	return cmd->check ? cmd->check(cli) : 0;
}

static void apply_env(const char **field, const char *name)
{
	const char *value = getenv(name);

	if (!*field && value && *value)
		*field = value;
}

static int resolve_connection(struct cli *cli)
{
	apply_env(&cli->url, "UMWS_URL");
	apply_env(&cli->user, "UMWS_USER");
	apply_env(&cli->auth_name, "UMWS_AUTH");
	apply_env(&cli->ca_file, "UMWS_CACERT");

	if (!cli->auth_name || strcasecmp(cli->auth_name, "ntlm") == 0)
		cli->auth = UMWS_AUTH_NTLM;
	else if (strcasecmp(cli->auth_name, "basic") == 0)
		cli->auth = UMWS_AUTH_BASIC;
	else if (strcasecmp(cli->auth_name, "none") == 0)
		cli->auth = UMWS_AUTH_NONE;
	else
		return cli_usage(cli, "--auth must be ntlm, basic or none, "
				 "not '%s'", cli->auth_name);

	if (!cli->url)
		return cli_usage(cli, "no endpoint: pass --url URL or set "
				 "UMWS_URL");
	if (!cli->user && cli->auth != UMWS_AUTH_NONE)
		return cli_usage(cli, "no user: pass --user DOMAIN\\user "
				 "(or set UMWS_USER), or --auth none");
	return 0;
}

/* Returns 0, or the exit code of a usage error already reported. */
int cli_parse_args(struct cli *cli, int argc, char **argv)
{
	struct parser p = { cli, argc, argv, 1, 0 };
	int rc = 0;

	while (rc == 0 && p.i < argc)
		rc = parse_one(&p);
	if (rc || cli->help || cli->version)
		return rc;
	if (!cli->cmd)
		return cli_usage(cli, "no command given");

	rc = check_command(cli);
	if (rc == 0)
		rc = resolve_timeouts(cli);
	if (rc == 0)
		rc = resolve_connection(cli);
	return rc;
}

static const char global_help[] =
	"usage: umws [options] COMMAND [ARGS]\n"
	"\n"
	"Drive the Unified Messaging web service of an Exchange server.\n"
	"\n"
	"options (before or after the command; --timeout differs):\n"
	"  --url URL              endpoint, https://HOST/EWS/UM2007Legacy.asmx"
	"\n"
	"                         (env UMWS_URL)\n"
	"  --user USER            DOMAIN\\user or user@domain (env UMWS_USER)"
	"\n"
	"  --password-file FILE   first line is the password; else env\n"
	"                         UMWS_PASSWORD, else a prompt on the terminal"
	"\n"
	"  --auth ntlm|basic|none default ntlm (env UMWS_AUTH)\n"
	"  --cacert FILE          trusted CA certificates, PEM (env "
	"UMWS_CACERT)\n"
	"  --capath DIR           directory of hashed CA certificates\n"
	"  --pinnedpubkey SPEC    sha256//BASE64 or a public key file\n"
	"  --cert FILE --key FILE client certificate and its key, PEM\n"
	"  --insecure             skip TLS verification (testing only)\n"
	"  --allow-http           allow credentials over plain http://\n"
	"  --timeout SECONDS      before the command: the limit of each "
	"request\n"
	"                         (default 60). After 'play --wait',\n"
	"                         'greeting --wait' or 'wait': the wait\n"
	"                         deadline, then the call is hung up (--wait:"
	"\n"
	"                         120 by default, wait: none; 0: none).\n"
	"                         After any other command: as before it.\n"
	"  --json                 one JSON object on stdout\n"
	"  -v                     more log on stderr; repeat for more\n"
	"  --version, --help      this program; 'umws COMMAND --help'\n"
	"\n"
	"commands:\n";

static const char exit_help[] =
	"\n"
	"exit: 0 ok, 2 usage, 3 authentication, 4 TLS, 5 network, request\n"
	"timeout or wait deadline, 6 HTTP status, 7 SOAP fault, 8 malformed\n"
	"response, 9 call not answered, 1 other. A wait (--wait, wait)\n"
	"stopped by SIGHUP exits 129, by SIGINT or SIGTERM 130, by a closed\n"
	"stdout 141, each after hanging up the call.\n";

void cli_print_help(const struct cli *cli)
{
	const struct cli_command *cmd;

	if (cli->cmd) {
		printf("usage: umws [options] %s%s%s\n\n%s", cli->cmd->name,
		       *cli->cmd->synopsis ? " " : "", cli->cmd->synopsis,
		       cli->cmd->about);
		return;
	}
	fputs(global_help, stdout);
	for (cmd = cli_commands; cmd->name; cmd++)
		printf("  %s%s%s\n", cmd->name, *cmd->synopsis ? " " : "",
		       cmd->synopsis);
	fputs(exit_help, stdout);
}
