/* commands.c - one function per umws command, and the table of them */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static const char *text_or_name(const char *text, const char *name)
{
	return text[0] ? text : name;
}

/* A setter's result: nothing on success, or {"ok":true} under --json. */
static int done(struct cli *cli, int rc)
{
	if (rc != UMWS_OK)
		return cli_report(cli, rc, NULL);
	if (cli->json)
		puts("{\"ok\":true}");
	return CLI_EXIT_OK;
}

static void print_call_id(const struct cli *cli, const char *id)
{
	if (cli->json) {
		fputs("{\"call_id\":", stdout);
		cli_json_string(stdout, id);
		fputs("}\n", stdout);
		return;
	}
	cli_put_text(stdout, id);
	putchar('\n');
	/*
	 * A script may read the CallId while the wait goes on; when nobody
	 * can read it the wait is cancelled and the call hung up.
	 */
	if (cli->wait)
		cli_output_check();
	else
		fflush(stdout);
}

/* What play and greeting share once PlayOnPhone* has answered. */
static int placed(struct cli *cli, umws_call *call, int rc)
{
	if (rc != UMWS_OK) {
		cli_signals_default();
		return cli_report(cli, rc, NULL);
	}
	if (!cli->wait || !cli->json)
		print_call_id(cli, umws_call_id(call));
	if (cli->wait)
		rc = cli_follow(cli, call);
	umws_call_free(call);
	return rc;
}

/*
 * Under --wait the handlers go in before the call is placed: an
 * interrupt while PlayOnPhone is on its way must still hang up.
 */
static int run_play(struct cli *cli)
{
	umws_call *call = NULL;
	int rc;

	if (cli->wait)
		cli_signals_catch();
	rc = umws_call_play(&call, cli->client, cli->args[0], cli->dial);
	return placed(cli, call, rc);
}

static int run_greeting(struct cli *cli)
{
	umws_call *call = NULL;
	int rc;

	if (cli->wait)
		cli_signals_catch();
	rc = umws_call_play_greeting(&call, cli->client, cli->greeting,
				     cli->dial);
	return placed(cli, call, rc);
}

static int check_greeting(struct cli *cli)
{
	if (strcasecmp(cli->args[0], "normal") == 0)
		cli->greeting = UMWS_GREETING_NORMAL;
	else if (strcasecmp(cli->args[0], "oof") == 0)
		cli->greeting = UMWS_GREETING_OOF;
	else
		return cli_usage(cli, "greeting is normal or oof, not '%s'",
				 cli->args[0]);
	return 0;
}

/* The server's own text, so that a value no list names still shows. */
static void print_status(const struct cli *cli, const umws_call_info *info)
{
	const char *state = text_or_name(info->state_text,
					 umws_call_state_name(info->state));
	const char *cause = text_or_name(info->cause_text,
					 umws_event_cause_name(info->cause));

	if (cli->json) {
		fputs("{\"state\":", stdout);
		cli_json_string(stdout, state);
		fputs(",\"event_cause\":", stdout);
		cli_json_string(stdout, cause);
		fputs("}\n", stdout);
		return;
	}
	cli_put_text(stdout, state);
	putchar(' ');
	cli_put_text(stdout, cause);
	putchar('\n');
}

static int run_status(struct cli *cli)
{
	umws_call_info info;
	int rc = umws_get_call_info(&info, cli->client, cli->args[0]);

	if (rc != UMWS_OK)
		return cli_report(cli, rc, NULL);
	print_status(cli, &info);
	return CLI_EXIT_OK;
}

static int run_wait(struct cli *cli)
{
	umws_call *call = NULL;
	int rc = umws_call_attach(&call, cli->client, cli->args[0]);

	if (rc != UMWS_OK)
		return cli_report(cli, rc, NULL);
	cli_signals_catch();
	rc = cli_follow(cli, call);
	umws_call_free(call);
	return rc;
}

static int check_wait(struct cli *cli)
{
	if (!cli->until_name)
		return 0;
	cli->until = umws_call_state_from_name(cli->until_name);
	if (cli->until == UMWS_STATE_UNKNOWN)
		return cli_usage(cli, "unknown state '%s': one of Idle, "
				 "Connecting, Alerted, Connected, "
				 "Disconnected, Incoming, Transferring, "
				 "Forwarding", cli->until_name);
	return 0;
}

/*
 * umws_call_hangup() begins with a GetCallInfo; a call that never
 * reported a state was unknown to the server (a wrong id, or one
 * forgotten after it ended), which the spec counts as hung up. A typo
 * should not pass unnoticed, hence the note.
 */
static int server_knew(const umws_call *call)
{
	return umws_call_info_get(call)->state_text[0] != '\0';
}

static int run_hangup(struct cli *cli)
{
	umws_call *call = NULL;
	int known = 1;
	int rc = umws_call_attach(&call, cli->client, cli->args[0]);

	if (rc == UMWS_OK)
		rc = umws_call_hangup(call);
	if (rc == UMWS_OK)
		known = server_knew(call);
	umws_call_free(call);
	if (rc != UMWS_OK)
		return cli_report(cli, rc, NULL);
	if (!known && !cli->json)
		fputs("umws: note: the server does not know that CallId: "
		      "the call is over or the id is wrong\n", stderr);
	if (cli->json) {
		fputs("{\"call_id\":", stdout);
		cli_json_string(stdout, cli->args[0]);
		fputs(",\"hung_up\":true}\n", stdout);
	}
	return CLI_EXIT_OK;
}

static int run_enabled(struct cli *cli)
{
	int enabled = 0;
	int rc = umws_is_um_enabled(&enabled, cli->client);

	if (rc != UMWS_OK)
		return cli_report(cli, rc, NULL);
	if (cli->json)
		printf("{\"enabled\":%s}\n", enabled ? "true" : "false");
	else
		puts(enabled ? "true" : "false");
	return CLI_EXIT_OK;
}

static void print_props_json(const umws_properties *p)
{
	printf("{\"oof\":%s,\"missed_call_notification\":%s,"
	       "\"dial_string\":", p->oof_status ? "true" : "false",
	       p->missed_call_notification ? "true" : "false");
	cli_json_string(stdout, p->play_on_phone_dial_string);
	fputs(",\"access_numbers\":", stdout);
	cli_json_string(stdout, p->telephone_access_numbers);
	fputs(",\"folder\":", stdout);
	cli_json_string(stdout, p->telephone_access_folder);
	fputs("}\n", stdout);
}

static void print_prop(const char *key, const char *value)
{
	printf("%s: ", key);
	cli_put_text(stdout, value);
	putchar('\n');
}

static int run_props(struct cli *cli)
{
	umws_properties p;
	int rc = umws_get_properties(&p, cli->client);

	if (rc != UMWS_OK)
		return cli_report(cli, rc, NULL);
	if (cli->json) {
		print_props_json(&p);
	} else {
		print_prop("oof", p.oof_status ? "on" : "off");
		print_prop("missed_call_notification",
			   p.missed_call_notification ? "on" : "off");
		print_prop("dial_string", p.play_on_phone_dial_string);
		print_prop("access_numbers", p.telephone_access_numbers);
		print_prop("folder", p.telephone_access_folder);
	}
	umws_properties_clear(&p);
	return CLI_EXIT_OK;
}

static int run_reset_pin(struct cli *cli)
{
	return done(cli, umws_reset_pin(cli->client));
}

static int check_on_off(struct cli *cli)
{
	if (strcasecmp(cli->args[0], "on") == 0)
		cli->on = 1;
	else if (strcasecmp(cli->args[0], "off") == 0)
		cli->on = 0;
	else
		return cli_usage(cli, "%s takes on or off, not '%s'",
				 cli->cmd->name, cli->args[0]);
	return 0;
}

static int run_set_oof(struct cli *cli)
{
	return done(cli, umws_set_oof_status(cli->client, cli->on));
}

static int run_set_dial_string(struct cli *cli)
{
	return done(cli, umws_set_play_on_phone_dial_string(cli->client,
							    cli->args[0]));
}

static int run_set_folder(struct cli *cli)
{
	return done(cli, umws_set_telephone_access_folder(cli->client,
							  cli->args[0]));
}

static int run_set_missed_call_notify(struct cli *cli)
{
	return done(cli, umws_set_missed_call_notification(cli->client,
							   cli->on));
}

const struct cli_command cli_commands[] = {
	{ "play", 1, CMD_DIAL | CMD_WAIT, "ENTRY_ID --dial NUMBER [--wait]",
	  "Call NUMBER and play the voice mail item ENTRY_ID (its base64\n"
	  "store entry id). Prints the CallId. With --wait, follows the call\n"
	  "until it ends, one line per state; --timeout SECONDS after the\n"
	  "command is then the wait deadline (default 120, 0 for none), not\n"
	  "a request limit. At the deadline (exit 5), on SIGINT or SIGTERM\n"
	  "(130), SIGHUP (129) or when stdout is closed (141) the call is\n"
	  "hung up. Exit 9 when the call ended without being answered.\n",
	  NULL, run_play },
	{ "greeting", 1, CMD_DIAL | CMD_WAIT,
	  "normal|oof --dial NUMBER [--wait]",
	  "Call NUMBER to play and record the normal or out-of-office\n"
	  "greeting. Prints the CallId; --wait as for play.\n",
	  check_greeting, run_greeting },
	{ "status", 1, 0, "CALL_ID",
	  "Print the state of a call and why it ended: STATE CAUSE.\n",
	  NULL, run_status },
	{ "wait", 1, CMD_UNTIL | CMD_DEADLINE,
	  "CALL_ID [--until STATE] [--timeout SECONDS]",
	  "Follow a call until it reaches STATE or ends, one line per state.\n"
	  "--timeout SECONDS after the command is the wait deadline (none\n"
	  "by default), not a request limit. At the deadline (exit 5), on\n"
	  "SIGINT or SIGTERM (130), SIGHUP (129) or when stdout is closed\n"
	  "(141) the call is hung up. Exit 9 when the call ended without\n"
	  "being answered, 7 when the server does not know CALL_ID.\n",
	  check_wait, run_wait },
	{ "hangup", 1, 0, "CALL_ID",
	  "End a call. A call that is already over, or that the server does\n"
	  "not know (any more), counts as hung up: exit 0, with a note on\n"
	  "stderr for an unknown CallId.\n",
	  NULL, run_hangup },
	{ "enabled", 0, 0, "",
	  "Print true when the user is enabled for Unified Messaging.\n",
	  NULL, run_enabled },
	{ "props", 0, 0, "",
	  "Print the user's UM settings, one 'key: value' a line.\n",
	  NULL, run_props },
	{ "reset-pin", 0, 0, "",
	  "Reset the user's voice mail PIN; the server mails the new one.\n",
	  NULL, run_reset_pin },
	{ "set-oof", 1, 0, "on|off",
	  "Turn the out-of-office greeting on or off.\n",
	  check_on_off, run_set_oof },
	{ "set-dial-string", 1, 0, "NUMBER",
	  "Set the user's default number for play on phone.\n",
	  NULL, run_set_dial_string },
	{ "set-folder", 1, 0, "FOLDER_ID",
	  "Set the folder read over the phone (a base64 folder id).\n",
	  NULL, run_set_folder },
	{ "set-missed-call-notify", 1, 0, "on|off",
	  "Turn missed-call notification mail on or off.\n",
	  check_on_off, run_set_missed_call_notify },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL }
};

const struct cli_command *cli_command_find(const char *name)
{
	const struct cli_command *cmd;

	for (cmd = cli_commands; cmd->name; cmd++)
		if (strcmp(cmd->name, name) == 0)
			return cmd;
	return NULL;
}
