/* cli.h - private interface between the parts of the umws tool */
#ifndef UMWS_CLI_H
#define UMWS_CLI_H

#include <stdio.h>

#include "umws.h"

/* Exit codes: scripts and test benches depend on these numbers. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_OTHER = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_AUTH = 3,
	CLI_EXIT_TLS = 4,
	CLI_EXIT_NETWORK = 5,
	CLI_EXIT_HTTP = 6,
	CLI_EXIT_FAULT = 7,
	CLI_EXIT_PROTO = 8,
	CLI_EXIT_UNANSWERED = 9,
	CLI_EXIT_HANGUP = 129,	/* SIGHUP during a wait */
	CLI_EXIT_SIGNAL = 130,	/* SIGINT or SIGTERM */
	CLI_EXIT_PIPE = 141	/* stdout closed (EPIPE) */
};

/* What a command accepts besides its positional arguments. */
enum {
	CMD_DIAL = 1,		/* needs --dial NUMBER */
	CMD_WAIT = 2,		/* takes --wait */
	CMD_UNTIL = 4,		/* takes --until STATE */
	CMD_DEADLINE = 8	/* --timeout after the command is a deadline */
};

#define CLI_MAX_ARGS 4
#define CLI_PASSWORD_MAX 1024

struct cli;

struct cli_command {
	const char *name;
	int nargs;
	unsigned int flags;
	const char *synopsis;	/* what follows the name in a usage line */
	const char *about;	/* lines for 'umws COMMAND --help' */
	int (*check)(struct cli *cli);	/* argument values; may be NULL */
	int (*run)(struct cli *cli);
};

struct cli {
	/* connection, from the command line or the environment */
	const char *url;
	const char *user;
	const char *password_file;
	const char *auth_name;
	umws_auth auth;
	const char *ca_file;
	const char *ca_path;
	const char *pinned_pubkey;
	const char *client_cert;
	const char *client_key;
	int insecure;
	int allow_http;
	long timeout_ms;	/* per request; 0 for the library default */

	/* output */
	int json;
	int verbose;
	int help;
	int version;

	/* the command */
	const struct cli_command *cmd;
	const char *args[CLI_MAX_ARGS];
	int nargs;
	const char *dial;
	int wait;
	const char *until_name;
	umws_call_state until;
	long deadline_ms;	/* wait deadline; 0 for none */
	int on;			/* on|off argument */
	umws_greeting greeting;

	/* --timeout as given before and after the command */
	const char *timeout_pre;
	const char *timeout_post;

	umws_client *client;
	char password[CLI_PASSWORD_MAX];
};

/* args.c */
int cli_parse_args(struct cli *cli, int argc, char **argv);
void cli_print_help(const struct cli *cli);

/* password.c */
int cli_read_password(struct cli *cli);

/* commands.c */
extern const struct cli_command cli_commands[];
const struct cli_command *cli_command_find(const char *name);

/* wait.c */
void cli_signals_init(void);
void cli_signals_catch(void);
void cli_signals_default(void);
int cli_interrupted(void);
int cli_cancel_exit(void);
int cli_output_check(void);
int cli_follow(struct cli *cli, umws_call *call);

/* output.c */
void cli_json_string(FILE *f, const char *s);
void cli_put_text(FILE *f, const char *s);
void cli_put_log(FILE *f, const char *s);
int cli_exit_code(int code);
const char *cli_error_kind(int code);
const char *cli_code_hint(int code);
int cli_error(const struct cli *cli, int exit_code, const char *kind,
	      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int cli_usage(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_report(const struct cli *cli, int code, const char *call_id);
void cli_json_error(const struct cli *cli, const char *kind,
		    const char *message, long http_status,
		    const char *exception, const char *call_id);

#endif /* UMWS_CLI_H */
