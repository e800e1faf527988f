/* output.c - JSON escaping, error reports and the exit code of a failure */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct error_class {
	int code;
	int exit_code;
	const char *kind;
	const char *hint;
};

static const struct error_class error_classes[] = {
	{ UMWS_EINVAL, CLI_EXIT_USAGE, "usage", "try 'umws --help'" },
	{ UMWS_ENOMEM, CLI_EXIT_OTHER, "internal", NULL },
	{ UMWS_ECONNECT, CLI_EXIT_NETWORK, "network",
	  "check --url: the host name, the port and that the server is "
	  "reachable from here" },
	{ UMWS_ETLS, CLI_EXIT_TLS, "tls",
	  "pass the server's CA with --cacert FILE (or --capath DIR)" },
	{ UMWS_EAUTH, CLI_EXIT_AUTH, "auth",
	  "check the user format DOMAIN\\user or user@domain and the "
	  "password" },
	{ UMWS_ETIMEOUT, CLI_EXIT_NETWORK, "timeout",
	  "check --url, or allow each request more time with --timeout "
	  "SECONDS before the command" },
	{ UMWS_EDEADLINE, CLI_EXIT_NETWORK, "timeout",
	  "allow the wait more time with --timeout SECONDS after the "
	  "command (0: no deadline)" },
	{ UMWS_EHTTP, CLI_EXIT_HTTP, "http",
	  "check that --url names the UM service, "
	  "https://HOST/EWS/UM2007Legacy.asmx" },
	{ UMWS_EFAULT, CLI_EXIT_FAULT, "fault", NULL },
	{ UMWS_EPROTO, CLI_EXIT_PROTO, "protocol",
	  "check that --url names the UM service and not another page" },
	{ UMWS_ETOOBIG, CLI_EXIT_PROTO, "too_big",
	  "check that --url names the UM service and not another page" },
	{ UMWS_EBUSY, CLI_EXIT_OTHER, "busy",
	  "end the active call first with 'umws hangup CALL_ID'" },
	{ UMWS_ECANCELED, CLI_EXIT_SIGNAL, "canceled", NULL },
	{ UMWS_EINTERNAL, CLI_EXIT_OTHER, "internal",
	  "this is a fault in libumws: please report it" },
};

/*
 * What to do about each SOAP fault the service is known to send. The
 * same fault can come from different commands, where a different
 * argument is at fault: the first row whose kind and command match
 * wins; commands NULL matches any command.
 */
struct fault_hint {
	umws_fault_kind kind;
	const char *commands;	/* space-separated names, or NULL */
	const char *hint;
};

static const struct fault_hint fault_hints[] = {
	{ UMWS_FAULT_INVALID_CALL_ID, NULL,
	  "the server does not know that CallId: the call is over or the "
	  "id is wrong" },
	{ UMWS_FAULT_INVALID_OBJECT_ID, "play",
	  "check ENTRY_ID: the base64 store entry id of the item" },
	{ UMWS_FAULT_INVALID_OBJECT_ID, "set-folder",
	  "check FOLDER_ID: the base64 id of a mail folder" },
	{ UMWS_FAULT_DIALING_RULES, NULL,
	  "the dial plan does not allow that number; write it as the dial "
	  "plan expects" },
	{ UMWS_FAULT_INVALID_PHONE_NUMBER, "play greeting",
	  "check the --dial number" },
	{ UMWS_FAULT_INVALID_PHONE_NUMBER, "set-dial-string",
	  "check NUMBER: a phone number such as +14255550142" },
	{ UMWS_FAULT_INVALID_SIP_URI, "play greeting",
	  "check the --dial SIP URI" },
	{ UMWS_FAULT_INVALID_SIP_URI, "set-dial-string",
	  "check NUMBER: the SIP URI" },
	{ UMWS_FAULT_IP_GATEWAY_NOT_FOUND, NULL,
	  "the UM dial plan has no gateway: ask the Exchange administrator" },
	{ UMWS_FAULT_UM_SERVER_NOT_FOUND, NULL,
	  "no UM server serves the dial plan: ask the Exchange "
	  "administrator" },
	{ UMWS_FAULT_TRANSPORT, NULL,
	  "the server's telephony failed: try again later" },
	{ UMWS_FAULT_USER_NOT_UM_ENABLED, NULL,
	  "the mailbox is not enabled for Unified Messaging" },
	{ UMWS_FAULT_INVALID_PRINCIPAL, NULL,
	  "the server cannot resolve the user: check --user" },
	{ UMWS_FAULT_INVALID_AD_RECIPIENT, NULL,
	  "the server cannot resolve the user: check --user" },
	{ UMWS_FAULT_INVALID_REQUEST, NULL,
	  "the server could not parse the request: please report it with "
	  "the -vvv output" },
};

static const struct error_class *error_class(int code)
{
	static const struct error_class other = {
		0, CLI_EXIT_OTHER, "internal", NULL
	};
	size_t i;

	for (i = 0; i < sizeof error_classes / sizeof *error_classes; i++)
		if (error_classes[i].code == code)
			return &error_classes[i];
	return &other;
}

int cli_exit_code(int code)
{
	return code == UMWS_OK ? CLI_EXIT_OK : error_class(code)->exit_code;
}

const char *cli_error_kind(int code)
{
	return error_class(code)->kind;
}

/* Length of the valid UTF-8 sequence at s, or 0 for an invalid byte. */
static int utf8_length(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;

	/* overlong forms, UTF-16 surrogates and code points past U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/*
 * Characters a terminal acts on instead of showing: C0 controls and DEL,
 * C1 controls (U+0080-U+009F, some terminals take U+009B as CSI) and the
 * Unicode Bidi_Control set, which can make a text read backwards (a
 * CallId or fault string that displays as something it is not).
 */
static int is_control(const unsigned char *p, int n)
{
	if (n == 1)
		return *p < 0x20 || *p == 0x7f;
	if (n == 2)
		return (p[0] == 0xc2 && p[1] <= 0x9f) ||
		       (p[0] == 0xd8 && p[1] == 0x9c);
	if (n != 3 || p[0] != 0xe2)
		return 0;
	return (p[1] == 0x80 && (p[2] == 0x8e || p[2] == 0x8f ||
				 (p[2] >= 0xaa && p[2] <= 0xae))) ||
	       (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9);
}

/* The code point of a valid sequence of n bytes (n from utf8_length). */
static unsigned int code_point(const unsigned char *p, int n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned int cp = p[0] & lead_mask[n];
	int i;

	for (i = 1; i < n; i++)
		cp = cp << 6 | (p[i] & 0x3f);
	return cp;
}

/*
 * Server text is not trusted to be UTF-8; an invalid byte becomes U+FFFD
 * so that the output always parses. Controls are escaped, so that the
 * value survives and a terminal showing the JSON is not driven by it.
 */
void cli_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n;

	if (!s) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (; *p; p += n ? n : 1) {
		n = utf8_length(p);
		if (n == 0)
			fputs("\\ufffd", f);
		else if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (is_control(p, n))
			fprintf(f, "\\u%04x", code_point(p, n));
		else
			fwrite(p, 1, (size_t)n, f);
	}
	putc('"', f);
}

/*
 * Text from the server goes to a terminal: control characters could move
 * the cursor, reorder the line or break the one-value-per-line output,
 * so each one, and each byte that is not UTF-8, becomes '?'. keep_lines
 * lets line breaks and tabs through for logged bodies.
 */
static void put_safe(FILE *f, const char *s, int keep_lines)
{
	const unsigned char *p = (const unsigned char *)s;
	int n;

	for (; p && *p; p += n ? n : 1) {
		n = utf8_length(p);
		if (keep_lines && *p == '\r')
			continue;
		if (keep_lines && (*p == '\n' || *p == '\t'))
			putc(*p, f);
		else if (n == 0 || is_control(p, n))
			putc('?', f);
		else
			fwrite(p, 1, (size_t)n, f);
	}
}

void cli_put_text(FILE *f, const char *s)
{
	put_safe(f, s, 0);
}

/* Bodies logged at -vvv keep their line breaks and tabs. */
void cli_put_log(FILE *f, const char *s)
{
	put_safe(f, s, 1);
}

void cli_json_error(const struct cli *cli, const char *kind,
		    const char *message, long http_status,
		    const char *exception, const char *call_id)
{
	if (!cli->json)
		return;
	fputs("{", stdout);
	if (call_id) {
		fputs("\"call_id\":", stdout);
		cli_json_string(stdout, call_id);
		fputs(",", stdout);
	}
	fputs("\"error\":{\"kind\":", stdout);
	cli_json_string(stdout, kind);
	fputs(",\"message\":", stdout);
	cli_json_string(stdout, message);
	fprintf(stdout, ",\"http_status\":%ld,\"exception\":", http_status);
	cli_json_string(stdout, exception);
	fputs("}}\n", stdout);
}

static void verror(const struct cli *cli, const char *kind,
		   const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	fputs("umws: ", stderr);
	cli_put_text(stderr, msg);
	fputs("\n", stderr);
	cli_json_error(cli, kind, msg, 0, NULL, NULL);
}

int cli_error(const struct cli *cli, int exit_code, const char *kind,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(cli, kind, fmt, ap);
	va_end(ap);
	return exit_code;
}

int cli_usage(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(cli, "usage", fmt, ap);
	va_end(ap);
	fputs("umws: try 'umws --help'\n", stderr);
	return CLI_EXIT_USAGE;
}

static void print_fault(const umws_error *e)
{
	const char *what = e->exception_type ? e->exception_type
					     : e->fault_code;

	fprintf(stderr, "umws: server fault: %s",
		umws_fault_kind_name(e->fault_kind));
	if (what) {
		fputs(" (", stderr);
		cli_put_text(stderr, what);
		fputs(")", stderr);
	}
	fputs(": ", stderr);
	cli_put_text(stderr, e->fault_string ? e->fault_string : e->message);
	fputs("\n", stderr);
}

static int names_command(const char *list, const struct cli *cli)
{
	size_t len;

	if (!list)
		return 1;
	if (!cli->cmd)
		return 0;
	len = strlen(cli->cmd->name);
	while (*list) {
		if (strncmp(list, cli->cmd->name, len) == 0 &&
		    (list[len] == ' ' || list[len] == '\0'))
			return 1;
		list += strcspn(list, " ");
		list += strspn(list, " ");
	}
	return 0;
}

/*
 * Exchange, and umws-server, refuse a second call of a user while one
 * is up with an exception no fault kind names.
 */
static const char *fault_hint(const struct cli *cli, const umws_error *e)
{
	size_t i;

	if (e->fault_kind == UMWS_FAULT_OTHER && e->exception_type &&
	    strcmp(e->exception_type, "CallInProgressException") == 0)
		return "another call of this user is still active: end it "
		       "with 'umws hangup CALL_ID', or wait until it ends";
	for (i = 0; i < sizeof fault_hints / sizeof *fault_hints; i++)
		if (fault_hints[i].kind == e->fault_kind &&
		    names_command(fault_hints[i].commands, cli))
			return fault_hints[i].hint;
	return NULL;
}

/* A 401 under Basic or none says the scheme is wrong, not the user. */
static const char *auth_hint(const struct cli *cli)
{
	if (cli->auth == UMWS_AUTH_NONE)
		return "the server wants credentials: it may want another "
		       "--auth, e.g. ntlm (the default), with --user";
	if (cli->auth == UMWS_AUTH_BASIC)
		return "the server may want another --auth, e.g. ntlm (the "
		       "default); else check the user and the password";
	return NULL;
}

static const char *tls_hint(const struct cli *cli)
{
	if (cli->client_cert && !cli->client_key)
		return "--cert FILE needs the certificate's key: pass --key "
		       "FILE, unless FILE holds the key too";
	if (cli->client_cert)
		return "check --cert and --key (a PEM certificate and its "
		       "key), and pass the server's CA with --cacert FILE";
	if (cli->pinned_pubkey)
		return "check --pinnedpubkey against the server's key, and "
		       "pass the server's CA with --cacert FILE (or --capath "
		       "DIR)";
	return NULL;
}

/* What to do next; some codes have more than one likely cause. */
static const char *error_hint(const struct cli *cli, const umws_error *e,
			      const struct error_class *ec)
{
	const char *hint = NULL;

	if (e->code == UMWS_EFAULT)
		return fault_hint(cli, e);
	if (e->code == UMWS_ETLS)
		hint = tls_hint(cli);
	else if (e->code == UMWS_EAUTH)
		hint = auth_hint(cli);
	else if (e->code == UMWS_EHTTP && e->http_status >= 500)
		hint = "the server could not answer: try again later, or "
		       "ask its administrator";
	return hint ? hint : ec->hint;
}

const char *cli_code_hint(int code)
{
	return error_class(code)->hint;
}

static void print_error(const umws_error *e)
{
	fputs("umws: ", stderr);
	cli_put_text(stderr, e->message);
	fputs("\n", stderr);
}

/*
 * The error record describes the last failed operation on the client;
 * it is only used when it matches the code being reported.
 */
int cli_report(const struct cli *cli, int code, const char *call_id)
{
	const umws_error *e = umws_client_error(cli->client);
	const struct error_class *ec = error_class(code);
	umws_error plain = { code, UMWS_FAULT_NONE, umws_strerror(code),
			     0, NULL, NULL, NULL };
	const char *hint;

	if (e->code != code)
		e = &plain;
	if (code == UMWS_EFAULT && e != &plain)
		print_fault(e);
	else
		print_error(e);
	hint = error_hint(cli, e, ec);
	if (hint)
		fprintf(stderr, "umws: %s\n", hint);
	cli_json_error(cli, ec->kind,
		       e->fault_string ? e->fault_string : e->message,
		       e->http_status, e->exception_type, call_id);
	return ec->exit_code;
}
