/* wait.c - following a call: progress lines, signals, hang-up on abort */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/*
 * Set by SIGINT, SIGTERM and SIGHUP, or when standard output cannot be
 * written during a wait; umws_call_wait() polls it. cancel_cause says
 * which, for the message and the exit code.
 */
static volatile int cancel_flag;
static volatile sig_atomic_t cancel_cause;
static int output_errno;

struct mark {
	char state[UMWS_TEXT_MAX];
	long elapsed_ms;
};

/* The states seen so far, for the "states" array of --json. On a
 * terminal the progress is one line rewritten in place (live); piped, it
 * is a line per state change, which scripts can read. */
struct progress {
	const struct cli *cli;
	struct mark *marks;
	size_t n;
	size_t cap;
	int live;
	int shown;
};

static void on_signal(int sig)
{
	if (!cancel_flag)
		cancel_cause = sig;
	cancel_flag = 1;
}

static void set_handlers(void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * A reader that goes away (umws ... --wait | head -1) must not kill the
 * program before it hangs up: a write to a closed pipe then fails with
 * EPIPE, which the code sees, instead of raising SIGPIPE.
 */
void cli_signals_init(void)
{
	signal(SIGPIPE, SIG_IGN);
}

/*
 * SA_RESETHAND: a second interrupt while the hang-up is on its way ends
 * the program as usual. No SA_RESTART: a blocked read of the password
 * prompt must return. SIGHUP counts too: a closed terminal or an ended
 * ssh session must not leave a phone ringing.
 */
void cli_signals_catch(void)
{
	set_handlers(on_signal, SA_RESETHAND);
}

void cli_signals_default(void)
{
	set_handlers(SIG_DFL, 0);
}

int cli_interrupted(void)
{
	return cancel_flag;
}

/*
 * Flushes stdout; a failure during a wait cancels it like an interrupt,
 * since nobody reads what the call does any more. Returns -1 then.
 */
int cli_output_check(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (!cancel_flag) {
		output_errno = errno ? errno : EIO;
		cancel_cause = SIGPIPE;
	}
	cancel_flag = 1;
	return -1;
}

/* 128 + the signal, as a shell reports a program killed by it. */
int cli_cancel_exit(void)
{
	switch (cancel_cause) {
	case SIGHUP:
		return CLI_EXIT_HANGUP;
	case SIGPIPE:
		return output_errno == EPIPE ? CLI_EXIT_PIPE : CLI_EXIT_OTHER;
	default:
		return CLI_EXIT_SIGNAL;
	}
}

static void cancel_reason(char *buf, size_t len)
{
	if (cancel_cause == SIGHUP)
		snprintf(buf, len, "the terminal hung up (SIGHUP)");
	else if (cancel_cause == SIGPIPE && output_errno == EPIPE)
		snprintf(buf, len, "standard output was closed");
	else if (cancel_cause == SIGPIPE)
		snprintf(buf, len, "cannot write standard output: %s",
			 strerror(output_errno));
	else
		snprintf(buf, len, "interrupted");
}

static const char *state_text(const umws_call_info *info)
{
	return info->state_text[0] ? info->state_text
				   : umws_call_state_name(info->state);
}

static const char *cause_text(const umws_call_info *info)
{
	return info->cause_text[0] ? info->cause_text
				   : umws_event_cause_name(info->cause);
}

/* Losing an entry of the report is better than failing the wait. */
static void remember(struct progress *pg, const umws_call_info *info,
		     long elapsed_ms)
{
	struct mark *m;

	if (pg->n == pg->cap) {
		size_t cap = pg->cap ? pg->cap * 2 : 8;

		m = realloc(pg->marks, cap * sizeof *m);
		if (!m)
			return;
		pg->marks = m;
		pg->cap = cap;
	}
	m = &pg->marks[pg->n++];
	snprintf(m->state, sizeof m->state, "%s", state_text(info));
	m->elapsed_ms = elapsed_ms;
}

static void on_progress(const umws_call *call, const umws_call_info *info,
			long elapsed_ms, void *data)
{
	struct progress *pg = data;

	remember(pg, info, elapsed_ms);
	if (pg->cli->json)
		return;
	errno = 0;
	if (pg->live)
		fputs("\r\033[K", stdout);
	pg->shown = 1;
	printf("%5.1fs  ", elapsed_ms / 1000.0);
	cli_put_text(stdout, state_text(info));
	if (info->state == UMWS_STATE_DISCONNECTED ||
	    umws_call_is_over(call)) {
		fputs(" (", stdout);
		cli_put_text(stdout, cause_text(info));
		fputs(")", stdout);
	}
	if (!pg->live)
		putchar('\n');
	cli_output_check();
}

static void print_result_json(const umws_call *call,
			      const struct progress *pg)
{
	const umws_call_info *info = umws_call_info_get(call);
	size_t i;

	fputs("{\"call_id\":", stdout);
	cli_json_string(stdout, umws_call_id(call));
	fputs(",\"state\":", stdout);
	cli_json_string(stdout, state_text(info));
	fputs(",\"event_cause\":", stdout);
	cli_json_string(stdout, cause_text(info));
	fputs(",\"states\":[", stdout);
	for (i = 0; i < pg->n; i++) {
		fputs(i ? ",{\"state\":" : "{\"state\":", stdout);
		cli_json_string(stdout, pg->marks[i].state);
		printf(",\"elapsed_s\":%.1f}",
		       pg->marks[i].elapsed_ms / 1000.0);
	}
	fputs("]}\n", stdout);
}

static int finish(const struct cli *cli, const umws_call *call,
		  const struct progress *pg)
{
	if (cli->json)
		print_result_json(call, pg);
	if (!umws_call_unanswered(call))
		return CLI_EXIT_OK;

	fputs("umws: the call ended without being answered (", stderr);
	cli_put_text(stderr, cause_text(umws_call_info_get(call)));
	fputs(")\n", stderr);
	return CLI_EXIT_UNANSWERED;
}

/* Why the wait stopped, taken before the hang-up replaces the record. */
static void abort_reason(const struct cli *cli, int why, char *buf,
			 size_t len)
{
	const umws_error *e = umws_client_error(cli->client);

	if (why == UMWS_ECANCELED)
		cancel_reason(buf, len);
	else if (why == UMWS_EDEADLINE && cli->until)
		snprintf(buf, len, "the call did not reach %s within the "
			 "wait deadline of %g s",
			 umws_call_state_name(cli->until),
			 cli->deadline_ms / 1000.0);
	else if (why == UMWS_EDEADLINE)
		snprintf(buf, len, "the call did not end within the wait "
			 "deadline of %g s", cli->deadline_ms / 1000.0);
	else
		snprintf(buf, len, "%s", e->code == why ? e->message
							: umws_strerror(why));
}

static void print_manual_hangup(const umws_call *call)
{
	fputs("umws: the call may still be active: end it with "
	      "'umws hangup ", stderr);
	cli_put_text(stderr, umws_call_id(call));
	fputs("'\n", stderr);
}

/*
 * A wait given up on must not leave a phone ringing: hang up, and say
 * how to do it by hand when that fails too. A request that timed out
 * may have been a passing stall, so the hang-up is tried then as well.
 */
static int abort_call(struct cli *cli, umws_call *call, int why)
{
	char msg[1024];
	size_t n;
	int hung_up;
	const char *hint = why == UMWS_ECANCELED ? NULL
						 : cli_code_hint(why);

	abort_reason(cli, why, msg, sizeof msg);
	n = strlen(msg);
	hung_up = umws_call_hangup(call) == UMWS_OK;
	if (hung_up)
		snprintf(msg + n, sizeof msg - n, "; hung up the call");
	else
		snprintf(msg + n, sizeof msg - n, "; hang-up failed: %s",
			 umws_client_error(cli->client)->message);
	fputs("umws: ", stderr);
	cli_put_text(stderr, msg);
	fputs("\n", stderr);
	if (!hung_up)
		print_manual_hangup(call);
	else if (hint)
		fprintf(stderr, "umws: %s\n", hint);
	cli_json_error(cli, cli_error_kind(why), msg, 0, NULL,
		       umws_call_id(call));
	return why == UMWS_ECANCELED ? cli_cancel_exit() : cli_exit_code(why);
}

/*
 * The handlers are in place (cli_signals_catch) before the call was
 * placed or attached; they go back to the defaults here.
 */
int cli_follow(struct cli *cli, umws_call *call)
{
	struct progress pg = { cli, NULL, 0, 0, isatty(STDOUT_FILENO), 0 };
	umws_wait_options wo = UMWS_WAIT_OPTIONS_INIT;
	int rc = UMWS_ECANCELED;

	wo.until = cli->until;
	wo.timeout_ms = cli->deadline_ms;
	wo.progress = on_progress;
	wo.progress_data = &pg;
	wo.cancel = &cancel_flag;
	if (!cancel_flag)
		rc = umws_call_wait(call, &wo);
	if (rc != UMWS_OK && cancel_flag)
		rc = UMWS_ECANCELED;
	if (pg.live && pg.shown) {
		putchar('\n');
		cli_output_check();
	}

	if (rc == UMWS_EDEADLINE || rc == UMWS_ETIMEOUT ||
	    rc == UMWS_ECANCELED)
		rc = abort_call(cli, call, rc);
	else if (rc != UMWS_OK)
		rc = cli_report(cli, rc, umws_call_id(call));
	else
		rc = finish(cli, call, &pg);
	cli_signals_default();
	free(pg.marks);
	return rc;
}
