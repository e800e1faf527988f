/* main.c - the umws command: options, the client, then one command */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/*
 * The library logs each failure as an error; without -v that line would
 * repeat the report the command prints itself.
 */
static void log_line(umws_log_level level, const char *msg, void *data)
{
	const struct cli *cli = data;

	if (level == UMWS_LOG_ERROR && cli->verbose == 0)
		return;
	fputs("umws: ", stderr);
	cli_put_log(stderr, msg);
	fputs("\n", stderr);
}

static umws_log_level log_level(int verbose)
{
	int level = UMWS_LOG_WARN + verbose;

	return level > UMWS_LOG_TRACE ? UMWS_LOG_TRACE
				      : (umws_log_level)level;
}

static void fill_options(const struct cli *cli, umws_options *o)
{
	o->url = cli->url;
	o->auth = cli->auth;
	o->user = cli->user;
	o->password = cli->auth == UMWS_AUTH_NONE ? NULL : cli->password;
	o->ca_file = cli->ca_file;
	o->ca_path = cli->ca_path;
	o->pinned_pubkey = cli->pinned_pubkey;
	o->client_cert = cli->client_cert;
	o->client_key = cli->client_key;
	o->insecure = cli->insecure;
	o->allow_http = cli->allow_http;
	o->timeout_ms = cli->timeout_ms;
	o->log_cb = log_line;
	o->log_level = log_level(cli->verbose);
	o->log_data = (void *)cli;
}

/* A refused client is a problem with the options the user gave. */
static int open_client(struct cli *cli)
{
	umws_options o;
	char why[256] = "";
	int rc = umws_options_init(&o, UMWS_OPTIONS_VERSION);

	if (rc == UMWS_OK) {
		fill_options(cli, &o);
		rc = umws_client_new2(&cli->client, &o, why, sizeof why);
	}
	explicit_bzero(cli->password, sizeof cli->password);
	if (rc == UMWS_OK)
		return 0;
	if (!why[0])
		snprintf(why, sizeof why, "%s", umws_strerror(rc));
	if (rc == UMWS_EINVAL)
		return cli_usage(cli, "%s", why);
	return cli_error(cli, cli_exit_code(rc), cli_error_kind(rc), "%s",
			 why);
}

static int run(struct cli *cli)
{
	int rc = cli_read_password(cli);

	if (rc != 0)
		return rc;
	if (umws_global_init() != UMWS_OK)
		return cli_error(cli, CLI_EXIT_OTHER, "internal",
				 "the library cannot start (libcurl)");
	rc = open_client(cli);
	if (rc == 0)
		rc = cli->cmd->run(cli);
	umws_client_free(cli->client);
	cli->client = NULL;
	umws_global_cleanup();
	return rc;
}

static int print_version(const struct cli *cli)
{
	if (!cli->json) {
		printf("umws %s (libumws %s)\n", UMWS_VERSION, umws_version());
		return CLI_EXIT_OK;
	}
	fputs("{\"version\":", stdout);
	cli_json_string(stdout, UMWS_VERSION);
	fputs(",\"library\":", stdout);
	cli_json_string(stdout, umws_version());
	fputs("}\n", stdout);
	return CLI_EXIT_OK;
}

/*
 * Options may follow the command, so a usage error can be found before
 * --json is parsed: look for it first.
 */
static int wants_json(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0)
			return 1;
	return 0;
}

/*
 * A reader that left early (umws props | head -1) ends the program as
 * SIGPIPE would, quietly with 141; other write errors are reported.
 */
static int finish_output(const struct cli *cli, int rc)
{
	errno = 0;
	if (fflush(stdout) == 0 && !ferror(stdout))
		return rc;
	if (rc != 0)
		return rc;
	if (errno == EPIPE)
		return CLI_EXIT_PIPE;
	return cli_error(cli, CLI_EXIT_OTHER, "internal",
			 "cannot write the output: %s",
			 strerror(errno ? errno : EIO));
}

int main(int argc, char **argv)
{
	static struct cli cli;
	int rc;

	cli_signals_init();
	cli.json = wants_json(argc, argv);
	rc = cli_parse_args(&cli, argc, argv);
	if (rc == 0 && cli.help)
		cli_print_help(&cli);
	else if (rc == 0 && cli.version)
		rc = print_version(&cli);
	else if (rc == 0)
		rc = run(&cli);
	explicit_bzero(cli.password, sizeof cli.password);
	return finish_output(&cli, rc);
}
