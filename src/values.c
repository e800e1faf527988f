/* values.c - CallState, EventCause and GreetingType between text and C */
#include "internal.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Kept as text on the wire (see wsdl/typemap.dat): servers send values
 * the reference pages omit, and may send new ones. */
static const char *const state_names[] = {
	"Unknown", "Idle", "Connecting", "Alerted", "Connected",
	"Disconnected", "Incoming", "Transferring", "Forwarding"
};

static const char *const cause_names[] = {
	"Unknown", "None", "UserBusy", "NoAnswer", "Unavailable", "Other"
};

#define COUNT(a) (sizeof(a) / sizeof(*(a)))

UMWS_EXTERN const char *umws_call_state_name(umws_call_state state)
{
	if ((unsigned)state >= COUNT(state_names))
		return state_names[0];
	return state_names[state];
}

UMWS_EXTERN const char *umws_event_cause_name(umws_event_cause cause)
{
	if ((unsigned)cause >= COUNT(cause_names))
		return cause_names[0];
	return cause_names[cause];
}

UMWS_EXTERN umws_call_state umws_call_state_from_name(const char *text)
{
	if (!text)
		return UMWS_STATE_UNKNOWN;
	for (size_t i = 1; i < COUNT(state_names); i++)
		if (strcasecmp(text, state_names[i]) == 0)
			return (umws_call_state)i;
	return UMWS_STATE_UNKNOWN;
}

umws_event_cause umws__cause_from_text(const char *text)
{
	if (!text)
		return UMWS_CAUSE_UNKNOWN;
	for (size_t i = 1; i < COUNT(cause_names); i++)
		if (strcmp(text, cause_names[i]) == 0)
			return (umws_event_cause)i;
	return UMWS_CAUSE_UNKNOWN;
}

/*
 * Copies src without surrounding whitespace. Returns -1 when it does not
 * fit: a value is never truncated silently.
 */
int umws__trim_copy(char *dst, size_t size, const char *src)
{
	size_t len;

	dst[0] = '\0';
	if (!src)
		return 0;
	while (isspace((unsigned char)*src))
		src++;
	len = strlen(src);
	while (len && isspace((unsigned char)src[len - 1]))
		len--;
	if (len >= size)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}
