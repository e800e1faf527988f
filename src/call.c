/* call.c - the CallId lifecycle: place, follow, wait and hang up a call */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct umws_call {
	umws_client *client;
	char *id;
	umws_call_info info;
	int over;
	int was_connected;
};

/* ---- one active call per client (opt-in) ------------------------- */

int umws__remember_call(umws_client *c, const char *call_id)
{
	char *copy = strdup(call_id);

	if (!copy)
		return -1;
	free(c->last_call_id);
	c->last_call_id = copy;
	return 0;
}

static int call_gone(const umws_client *c, int rc)
{
	const umws_error *e = umws_client_error(c);

	return rc == UMWS_EFAULT &&
	       e->fault_kind == UMWS_FAULT_INVALID_CALL_ID;
}

/*
 * As the server's own web client does: before a new call, ask about the
 * previous one; anything but Disconnected or Idle means it still runs,
 * and InvalidCallIdException means the server forgot it.
 */
int umws__guard_check(umws_client *c)
{
	umws_call_info info;
	char *last = c->last_call_id;
	int rc;

	if (!c->opts.one_call_guard || !last)
		return UMWS_OK;
	c->last_call_id = NULL;
	rc = umws_get_call_info(&info, c, last);
	if (rc == UMWS_OK && info.state != UMWS_STATE_DISCONNECTED &&
	    info.state != UMWS_STATE_IDLE) {
		c->last_call_id = last;
		umws__clear_error(c);
		return umws__fail(c, UMWS_EBUSY, "the previous call is still "
				  "%s; hang it up first", info.state_text);
	}
	if (rc != UMWS_OK && !call_gone(c, rc)) {
		c->last_call_id = last;
		return rc;
	}
	free(last);
	return UMWS_OK;
}

/* ---- call objects ------------------------------------------------ */

static int new_call(umws_call **out, umws_client *c, char *id)
{
	umws_call *call = calloc(1, sizeof(*call));

	if (!call) {
		free(id);
		return umws__fail(c, UMWS_ENOMEM, "out of memory");
	}
	call->client = c;
	call->id = id;
	*out = call;
	return UMWS_OK;
}

UMWS_EXTERN int umws_call_play(umws_call **out, umws_client *c,
			       const char *entry_id, const char *dial_string)
{
	char *id;
	int rc;

	if (!out || !c)
		return UMWS_EINVAL;
	*out = NULL;
	rc = umws_play_on_phone(&id, c, entry_id, dial_string);
	return rc ? rc : new_call(out, c, id);
}

UMWS_EXTERN int umws_call_play_greeting(umws_call **out, umws_client *c,
					umws_greeting type,
					const char *dial_string)
{
	char *id;
	int rc;

	if (!out || !c)
		return UMWS_EINVAL;
	*out = NULL;
	rc = umws_play_greeting(&id, c, type, dial_string);
	return rc ? rc : new_call(out, c, id);
}

UMWS_EXTERN int umws_call_attach(umws_call **out, umws_client *c,
				 const char *call_id)
{
	char *id;
	int rc;

	if (!out || !c)
		return UMWS_EINVAL;
	*out = NULL;
	umws__clear_error(c);
	rc = umws__check_text(c, "call id", call_id, UMWS_CALL_ID_MAX);
	if (rc)
		return rc;
	id = strdup(call_id);
	if (!id)
		return umws__fail(c, UMWS_ENOMEM, "out of memory");
	return new_call(out, c, id);
}

UMWS_EXTERN const char *umws_call_id(const umws_call *call)
{
	return call ? call->id : NULL;
}

UMWS_EXTERN const umws_call_info *umws_call_info_get(const umws_call *call)
{
	return call ? &call->info : NULL;
}

UMWS_EXTERN int umws_call_is_over(const umws_call *call)
{
	return call ? call->over : 0;
}

UMWS_EXTERN int umws_call_unanswered(const umws_call *call)
{
	umws_event_cause cause;

	if (!call || !call->over || call->was_connected)
		return 0;
	cause = call->info.cause;
	return cause == UMWS_CAUSE_USER_BUSY ||
	       cause == UMWS_CAUSE_NO_ANSWER ||
	       cause == UMWS_CAUSE_UNAVAILABLE;
}

/* Disconnected is final; Idle after a call was placed also means over. */
static void note_info(umws_call *call, const umws_call_info *info)
{
	call->info = *info;
	if (info->state == UMWS_STATE_CONNECTED)
		call->was_connected = 1;
	if (info->state == UMWS_STATE_DISCONNECTED ||
	    info->state == UMWS_STATE_IDLE)
		call->over = 1;
}

UMWS_EXTERN int umws_call_refresh(umws_call *call)
{
	umws_call_info info;
	int rc;

	if (!call)
		return UMWS_EINVAL;
	rc = umws_get_call_info(&info, call->client, call->id);
	if (rc == UMWS_OK)
		note_info(call, &info);
	else if (call_gone(call->client, rc))
		call->over = 1;
	return rc;
}

/* ---- waiting ----------------------------------------------------- */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps in short slices so a cancel flag set by a signal handler is
 * seen quickly. Returns 1 when cancelled. */
static int nap(long ms, const volatile int *cancel)
{
	while (ms > 0) {
		long step = ms < 50 ? ms : 50;
		struct timespec ts = { 0, step * 1000000L };

		if (cancel && *cancel)
			return 1;
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			if (cancel && *cancel)
				return 1;
		ms -= step;
	}
	return cancel && *cancel;
}

/* The order in which a placed call moves; a target earlier in it than
 * the current state counts as passed. */
static int progress_rank(umws_call_state s)
{
	switch (s) {
	case UMWS_STATE_CONNECTING: return 1;
	case UMWS_STATE_ALERTED: return 2;
	case UMWS_STATE_CONNECTED: return 3;
	case UMWS_STATE_DISCONNECTED: return 4;
	default: return 0;
	}
}

static int reached(const umws_call *call, umws_call_state until)
{
	if (call->over)
		return 1;
	if (until == UMWS_STATE_UNKNOWN)
		return 0;
	if (call->info.state == until)
		return 1;
	return progress_rank(until) &&
	       progress_rank(call->info.state) >= progress_rank(until);
}

static void wait_defaults(umws_wait_options *w, const umws_wait_options *in)
{
	memset(w, 0, sizeof(*w));
	if (in)
		*w = *in;
	if (w->poll_min_ms <= 0)
		w->poll_min_ms = 250;
	if (w->poll_max_ms < w->poll_min_ms)
		w->poll_max_ms = w->poll_min_ms > 2000 ? w->poll_min_ms : 2000;
}

static int poll_once(umws_call *call, const umws_wait_options *w,
		     long start, int *changed)
{
	umws_call_state before = call->info.state;
	int first = call->info.state_text[0] == '\0';
	int rc = umws_call_refresh(call);

	if (rc != UMWS_OK)
		return rc;
	*changed = first || call->info.state != before;
	if (*changed && w->progress)
		w->progress(call, &call->info, now_ms() - start,
			    w->progress_data);
	return UMWS_OK;
}

UMWS_EXTERN int umws_call_wait(umws_call *call, const umws_wait_options *wo)
{
	umws_wait_options w;
	long start = now_ms(), interval;
	int rc, changed;

	if (!call || (wo && wo->version != UMWS_WAIT_OPTIONS_VERSION))
		return UMWS_EINVAL;
	wait_defaults(&w, wo);
	interval = w.poll_min_ms;
	for (;;) {
		rc = poll_once(call, &w, start, &changed);
		if (rc != UMWS_OK || reached(call, w.until))
			return rc;
		interval = changed ? w.poll_min_ms :
			   (interval * 2 > w.poll_max_ms ? w.poll_max_ms :
			    interval * 2);
		if (w.timeout_ms > 0 &&
		    now_ms() - start + interval > w.timeout_ms)
			interval = w.timeout_ms - (now_ms() - start);
		if (w.timeout_ms > 0 && interval <= 0) {
			umws__clear_error(call->client);
			return umws__fail(call->client, UMWS_EDEADLINE, "the "
					  "call is still %s after %ld ms",
					  call->info.state_text, w.timeout_ms);
		}
		if (nap(interval, w.cancel)) {
			umws__clear_error(call->client);
			return umws__fail(call->client, UMWS_ECANCELED,
					  "wait cancelled");
		}
	}
}

/* ---- hanging up -------------------------------------------------- */

UMWS_EXTERN int umws_call_hangup(umws_call *call)
{
	umws_client *c;
	int rc;

	if (!call)
		return UMWS_EINVAL;
	c = call->client;
	rc = umws_call_refresh(call);
	if (rc == UMWS_OK && call->info.state != UMWS_STATE_DISCONNECTED)
		rc = umws_disconnect(c, call->id);
	if (call_gone(c, rc)) {
		umws__clear_error(c);
		rc = UMWS_OK;
	}
	if (rc == UMWS_OK)
		call->over = 1;
	return rc;
}

UMWS_EXTERN void umws_call_free(umws_call *call)
{
	if (!call)
		return;
	free(call->id);
	free(call);
}
