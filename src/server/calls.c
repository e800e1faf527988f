/* umws-server: simulated telephony behind PlayOnPhone and GetCallInfo.
 *
 * Dial-string rule (also printed by --help), checked in this order:
 *   - empty, longer than 64 characters, without a digit, or holding
 *     anything but digits, '+', ' ', '-', '(' and ')':
 *     InvalidPhoneNumberException fault;
 *   - "sip:user@host" is accepted and answered; a "sip:" string that is
 *     not of that form: InvalidSipUriException fault;
 *   - the digits (punctuation dropped) start with "00" or contain
 *     "9999": the dial plan refuses it, DialingRulesException fault;
 *   - the digits end in 0001: busy, rings briefly (a quarter of the ring
 *     time), then Disconnected with cause UserBusy;
 *   - they end in 0002: rings the whole ring time, then Disconnected
 *     with cause NoAnswer;
 *   - they end in 0003: never rings, Disconnected with cause Unavailable
 *     after the connect time;
 *   - anything else is answered: Connecting, Alerted for the ring time,
 *     Connected for the message time, then Disconnected with cause None.
 * Disconnect ends an active call at once with cause None. Every span is
 * multiplied by --time-scale; the retention of an ended call is not.
 * States are computed from timestamps when asked, so no timer runs. */
#include "server.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#define CALLS_MAX 1024
#define DIAL_MAX 64

struct call {
	char id[CALLS_ID_MAX + 1];
	const struct srv_user *owner;
	enum dial_verdict verdict;
	double start;
	double hangup;		/* when Disconnect ended it, or < 0 */
};

static struct calls_config conf = {
	1.0, 1.0, 4.0, 10.0, 60.0, "um.localhost"
};
static struct call *calls[CALLS_MAX];
/* Every used slot is below calls_top: each request scans the slots in
 * use, not all 1024 (a scan of the whole table was 5% of the server's
 * work per GetCallInfo). */
static size_t calls_top;
static pthread_mutex_t calls_lock = PTHREAD_MUTEX_INITIALIZER;

void calls_configure(const struct calls_config *cfg)
{
	conf = *cfg;
}

static int phone_char(char c)
{
	return isdigit((unsigned char)c) || c == '+' || c == ' ' ||
		c == '-' || c == '(' || c == ')';
}

static enum dial_verdict classify_sip(const char *uri)
{
	const char *at = strchr(uri, '@');
	const char *p;

	if (!at || at == uri || !at[1] || strchr(at + 1, '@'))
		return DIAL_INVALID_SIP;
	for (p = uri; *p; p++)
		if (!isgraph((unsigned char)*p))
			return DIAL_INVALID_SIP;
	return DIAL_ANSWER;
}

static enum dial_verdict classify_digits(const char *digits, size_t n)
{
	if (n == 0)
		return DIAL_INVALID;
	if (!strncmp(digits, "00", 2) || strstr(digits, "9999"))
		return DIAL_REFUSED;
	if (n >= 4 && !strcmp(digits + n - 4, "0001"))
		return DIAL_BUSY;
	if (n >= 4 && !strcmp(digits + n - 4, "0002"))
		return DIAL_NO_ANSWER;
	if (n >= 4 && !strcmp(digits + n - 4, "0003"))
		return DIAL_UNAVAILABLE;
	return DIAL_ANSWER;
}

enum dial_verdict calls_classify(const char *dial)
{
	char digits[DIAL_MAX + 1];
	size_t n = 0;

	if (!dial || !*dial || strlen(dial) > DIAL_MAX)
		return DIAL_INVALID;
	if (!strncasecmp(dial, "sip:", 4))
		return classify_sip(dial + 4);
	for (; *dial; dial++) {
		if (!phone_char(*dial))
			return DIAL_INVALID;
		if (isdigit((unsigned char)*dial))
			digits[n++] = *dial;
	}
	digits[n] = '\0';
	return classify_digits(digits, n);
}

/* When the call ends by itself, in seconds after it was placed. */
static double natural_end(enum dial_verdict v)
{
	double c = conf.connect_seconds, r = conf.ring_seconds;

	switch (v) {
	case DIAL_BUSY:
		return (c + r / 4) * conf.time_scale;
	case DIAL_NO_ANSWER:
		return (c + r) * conf.time_scale;
	case DIAL_UNAVAILABLE:
		return c * conf.time_scale;
	default:
		return (c + r + conf.message_seconds) * conf.time_scale;
	}
}

static const char *end_cause(enum dial_verdict v)
{
	switch (v) {
	case DIAL_BUSY:
		return "UserBusy";
	case DIAL_NO_ANSWER:
		return "NoAnswer";
	case DIAL_UNAVAILABLE:
		return "Unavailable";
	default:
		return "None";
	}
}

static double end_time(const struct call *c)
{
	double end = c->start + natural_end(c->verdict);

	return c->hangup >= 0 && c->hangup < end ? c->hangup : end;
}

static const char *state_at(const struct call *c, double now,
			    const char **cause)
{
	double t = (now - c->start) / conf.time_scale;
	double answer = conf.connect_seconds + conf.ring_seconds;

	*cause = "None";
	if (now >= end_time(c)) {
		if (c->hangup < 0 ||
		    c->hangup >= c->start + natural_end(c->verdict))
			*cause = end_cause(c->verdict);
		return "Disconnected";
	}
	if (t < conf.connect_seconds)
		return "Connecting";
	if (t < answer || c->verdict != DIAL_ANSWER)
		return "Alerted";
	return "Connected";
}

/* Forgets calls whose retention ran out; caller holds calls_lock. */
static void purge(double now)
{
	size_t i;

	for (i = 0; i < calls_top; i++) {
		if (calls[i] &&
		    now >= end_time(calls[i]) + conf.retention_seconds) {
			free(calls[i]);
			calls[i] = NULL;
		}
	}
	while (calls_top && !calls[calls_top - 1])
		calls_top--;
}

static struct call *find(const struct srv_user *u, const char *id)
{
	size_t i;

	for (i = 0; i < calls_top; i++)
		if (calls[i] && calls[i]->owner == u &&
		    !strcmp(calls[i]->id, id))
			return calls[i];
	return NULL;
}

static int has_active(const struct srv_user *u, double now)
{
	size_t i;

	for (i = 0; i < calls_top; i++)
		if (calls[i] && calls[i]->owner == u &&
		    now < end_time(calls[i]))
			return 1;
	return 0;
}

/* SESSION|FQDN in base64, the form newer Exchange servers use. */
static int make_id(char *id, size_t cap)
{
	unsigned char r[16];
	char text[320];
	char *b64;
	int n;

	if (RAND_bytes(r, sizeof(r)) != 1)
		return -1;
	n = snprintf(text, sizeof(text), "%02x%02x%02x%02x-%02x%02x-%02x%02x"
		     "-%02x%02x-%02x%02x%02x%02x%02x%02x|%s", r[0], r[1],
		     r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
		     r[11], r[12], r[13], r[14], r[15], conf.fqdn);
	if (n < 0 || (size_t)n >= sizeof(text))
		return -1;
	b64 = srv_b64_encode((unsigned char *)text, (size_t)n);
	if (!b64 || strlen(b64) >= cap) {
		free(b64);
		return -1;
	}
	strcpy(id, b64);
	free(b64);
	return 0;
}

static const char *verdict_fault(enum dial_verdict v)
{
	switch (v) {
	case DIAL_REFUSED:
		return "DialingRulesException";
	case DIAL_INVALID:
		return "InvalidPhoneNumberException";
	case DIAL_INVALID_SIP:
		return "InvalidSipUriException";
	default:
		return NULL;
	}
}

static int free_slot(void)
{
	size_t i;

	for (i = 0; i < calls_top; i++)
		if (!calls[i])
			return (int)i;
	if (calls_top == CALLS_MAX)
		return -1;
	return (int)calls_top++;
}

/* Returns NULL and the new CallId in id, or the fault's exception type.
 * A user with a call still up gets CallInProgressException: Exchange's
 * own client refuses a second call, so a server must too. */
const char *calls_place(const struct srv_user *u, const char *dial,
			char *id, size_t idcap)
{
	enum dial_verdict v = calls_classify(dial);
	double now = srv_now();
	struct call *c;
	int slot;

	if (verdict_fault(v))
		return verdict_fault(v);
	c = calloc(1, sizeof(*c));
	if (!c || make_id(c->id, sizeof(c->id)) != 0) {
		free(c);
		return "TransportException";
	}
	c->owner = u;
	c->verdict = v;
	c->start = now;
	c->hangup = -1;
	pthread_mutex_lock(&calls_lock);
	purge(now);
	slot = has_active(u, now) ? -2 : free_slot();
	if (slot >= 0)
		calls[slot] = c;
	pthread_mutex_unlock(&calls_lock);
	if (slot < 0) {
		free(c);
		return slot == -2 ? "CallInProgressException" :
			"TransportException";
	}
	snprintf(id, idcap, "%s", c->id);
	return NULL;
}

static const char *check_id(const char *id)
{
	if (!id || !*id || strlen(id) > CALLS_ID_MAX || !srv_b64_valid(id))
		return "InvalidCallIdException";
	return NULL;
}

/* A call of another user is as unknown as a forgotten one. */
const char *calls_info(const struct srv_user *u, const char *id,
		       const char **state, const char **cause)
{
	double now = srv_now();
	struct call *c;

	if (check_id(id))
		return check_id(id);
	pthread_mutex_lock(&calls_lock);
	purge(now);
	c = find(u, id);
	if (c)
		*state = state_at(c, now, cause);
	pthread_mutex_unlock(&calls_lock);
	return c ? NULL : "InvalidCallIdException";
}

const char *calls_disconnect(const struct srv_user *u, const char *id)
{
	double now = srv_now();
	struct call *c;

	if (check_id(id))
		return check_id(id);
	pthread_mutex_lock(&calls_lock);
	purge(now);
	c = find(u, id);
	if (c && now < end_time(c))
		c->hangup = now;
	pthread_mutex_unlock(&calls_lock);
	return c ? NULL : "InvalidCallIdException";
}
