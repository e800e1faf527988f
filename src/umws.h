/*
 * umws.h - client for the Exchange Unified Messaging web service
 *
 * umws drives the UM web service (UM2007Legacy.asmx) of an Exchange
 * server: it places a call that plays a voice mail or greeting on a phone
 * (PlayOnPhone, PlayOnPhoneGreeting), follows it (GetCallInfo), ends it
 * (Disconnect) and reads or changes the user's UM settings.
 *
 * Call sequence: umws_global_init() once per process; umws_client_new()
 * with a umws_options; any operation, or a umws_call for the whole call
 * lifecycle; umws_client_free(); umws_global_cleanup().
 *
 * Threading: a client and the calls made from it belong to one thread at
 * a time. Different clients may be used from different threads at once.
 * umws_global_init() and umws_global_cleanup() are not thread-safe.
 *
 * Ownership: the library copies every string it is given. Strings it
 * returns through a char ** are the caller's, released with umws_free().
 * Pointers returned by getters stay valid until the next call on the
 * same handle.
 *
 * Errors: fallible functions return UMWS_OK (0) or a negative UMWS_E*
 * code; umws_client_error() then holds the details (message, HTTP status,
 * SOAP fault code and string, server exception type). The library never
 * prints, never exits and never puts a credential into a message.
 */
#ifndef UMWS_H
#define UMWS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && defined(UMWS_BUILDING)
#define UMWS_EXTERN __attribute__((visibility("default")))
#else
#define UMWS_EXTERN
#endif

/* The version lives here and nowhere else: the build reads it. */
#define UMWS_VERSION_MAJOR 0
#define UMWS_VERSION_MINOR 1
#define UMWS_VERSION_PATCH 0
#define UMWS_VERSION "0.1.0"

/** Return codes. Numbers are never reused. */
enum {
	UMWS_OK = 0,
	UMWS_EINVAL = -1,	/**< bad argument from the caller */
	UMWS_ENOMEM = -2,	/**< out of memory */
	UMWS_ECONNECT = -3,	/**< name resolution or connection failed */
	UMWS_ETLS = -4,		/**< TLS handshake or verification failed */
	UMWS_EAUTH = -5,	/**< the server refused the credentials */
	UMWS_ETIMEOUT = -6,	/**< a timeout or a wait deadline expired */
	UMWS_EHTTP = -7,	/**< unexpected HTTP status */
	UMWS_EFAULT = -8,	/**< the server answered with a SOAP fault */
	UMWS_EPROTO = -9,	/**< the response is not the service's */
	UMWS_ETOOBIG = -10,	/**< the response is over max_response_bytes */
	UMWS_EBUSY = -11,	/**< a previous call is still active */
	UMWS_ECANCELED = -12,	/**< a wait was cancelled by the caller */
	UMWS_EINTERNAL = -13	/**< a library fault; please report it */
};

/** What the server's SOAP fault says went wrong (umws_error.fault_kind). */
typedef enum umws_fault_kind {
	UMWS_FAULT_NONE = 0,		  /**< no fault */
	UMWS_FAULT_INVALID_CALL_ID = 1,	  /**< InvalidCallIdException */
	UMWS_FAULT_INVALID_OBJECT_ID = 2, /**< InvalidObjectIdException */
	UMWS_FAULT_DIALING_RULES = 3,	  /**< DialingRulesException */
	UMWS_FAULT_INVALID_PHONE_NUMBER = 4, /**< InvalidPhoneNumber... */
	UMWS_FAULT_INVALID_SIP_URI = 5,	  /**< InvalidSipUriException */
	UMWS_FAULT_IP_GATEWAY_NOT_FOUND = 6, /**< IPGatewayNotFound... */
	UMWS_FAULT_UM_SERVER_NOT_FOUND = 7, /**< UMServerNotFound... */
	UMWS_FAULT_TRANSPORT = 8,	  /**< TransportException */
	UMWS_FAULT_USER_NOT_UM_ENABLED = 9, /**< UserNotUmEnabled... */
	UMWS_FAULT_INVALID_PRINCIPAL = 10, /**< InvalidPrincipalException */
	UMWS_FAULT_INVALID_REQUEST = 11,  /**< ErrorInvalidRequest */
	UMWS_FAULT_OTHER = 12,		  /**< any other fault */
	UMWS_FAULT_INVALID_AD_RECIPIENT = 13 /**< InvalidADRecipient... */
} umws_fault_kind;

/**
 * Details of the last failure on a client.
 *
 * Every string is NULL when it does not apply, except message, which is
 * never NULL. All of it is owned by the client and valid until the next
 * call on that client.
 */
typedef struct umws_error {
	int code;			/**< UMWS_OK or a UMWS_E* code */
	umws_fault_kind fault_kind;	/**< set when code is UMWS_EFAULT */
	const char *message;		/**< lower-case text, no credential */
	long http_status;		/**< last HTTP status, 0 if none */
	const char *fault_code;		/**< faultcode, prefix stripped */
	const char *fault_string;	/**< faultstring as the server sent */
	const char *exception_type;	/**< ExceptionType, prefix stripped */
} umws_error;

/** How the client authenticates. */
typedef enum umws_auth {
	UMWS_AUTH_NONE = 0,	/**< no credentials */
	UMWS_AUTH_NTLM = 1,	/**< NTLMv2 through libcurl */
	UMWS_AUTH_BASIC = 2	/**< Basic, refused over http:// */
} umws_auth;

/** Log levels; a message is passed when its level <= log_level. */
typedef enum umws_log_level {
	UMWS_LOG_NONE = 0,
	UMWS_LOG_ERROR = 1,
	UMWS_LOG_WARN = 2,
	UMWS_LOG_INFO = 3,	/**< one line per operation */
	UMWS_LOG_DEBUG = 4,	/**< HTTP headers, Authorization redacted */
	UMWS_LOG_TRACE = 5	/**< request and response bodies */
} umws_log_level;

/**
 * Log callback. msg is one line without a newline, valid during the call
 * only. Called from the thread that uses the client.
 */
typedef void (*umws_log_fn)(umws_log_level level, const char *msg,
			    void *data);

#define UMWS_OPTIONS_VERSION 1

/**
 * Client options. Start from UMWS_OPTIONS_INIT or umws_options_init();
 * zero means "the default" for every number. New fields are only ever
 * added at the end.
 */
typedef struct umws_options {
	unsigned int version;	/**< UMWS_OPTIONS_VERSION */
	const char *url;	/**< https://HOST/EWS/UM2007Legacy.asmx */
	umws_auth auth;		/**< default UMWS_AUTH_NONE */
	const char *user;	/**< DOMAIN\\user or user@domain */
	const char *password;	/**< copied; wiped from memory on free */
	const char *ca_file;	/**< PEM bundle of trusted CAs */
	const char *ca_path;	/**< directory of hashed CA certificates */
	const char *pinned_pubkey; /**< libcurl pin: sha256//BASE64 or file */
	const char *client_cert; /**< PEM client certificate */
	const char *client_key;	/**< PEM key of client_cert */
	int insecure;		/**< 1: skip TLS verification (logged) */
	int allow_http;		/**< 1: allow credentials over http:// */
	long connect_timeout_ms; /**< default 10000 */
	long timeout_ms;	/**< whole request; default 60000 */
	size_t max_response_bytes; /**< default 8 MiB */
	umws_log_fn log_cb;	/**< NULL: no logging */
	umws_log_level log_level; /**< default UMWS_LOG_NONE */
	void *log_data;		/**< passed to log_cb */
	int one_call_guard;	/**< 1: refuse a call while one is active */
	const char *user_agent;	/**< default "umws/VERSION" */
} umws_options;

#define UMWS_OPTIONS_INIT { .version = UMWS_OPTIONS_VERSION }

/** Opaque client: one endpoint, one set of credentials, one connection. */
typedef struct umws_client umws_client;

/** Call state as GetCallInfo reports it. */
typedef enum umws_call_state {
	UMWS_STATE_UNKNOWN = 0,	/**< text no list names; see state_text */
	UMWS_STATE_IDLE = 1,
	UMWS_STATE_CONNECTING = 2,
	UMWS_STATE_ALERTED = 3,
	UMWS_STATE_CONNECTED = 4,
	UMWS_STATE_DISCONNECTED = 5,
	UMWS_STATE_INCOMING = 6,
	UMWS_STATE_TRANSFERRING = 7,
	UMWS_STATE_FORWARDING = 8
} umws_call_state;

/** Why a call ended, as GetCallInfo reports it. */
typedef enum umws_event_cause {
	UMWS_CAUSE_UNKNOWN = 0,	/**< text no list names; see cause_text */
	UMWS_CAUSE_NONE = 1,
	UMWS_CAUSE_USER_BUSY = 2,
	UMWS_CAUSE_NO_ANSWER = 3,
	UMWS_CAUSE_UNAVAILABLE = 4,
	UMWS_CAUSE_OTHER = 5
} umws_event_cause;

/** Longest state or cause text kept, terminating NUL included. */
#define UMWS_TEXT_MAX 64

/** One GetCallInfo answer: the converted values and the server's text. */
typedef struct umws_call_info {
	umws_call_state state;
	umws_event_cause cause;
	char state_text[UMWS_TEXT_MAX];	/**< as sent, whitespace trimmed */
	char cause_text[UMWS_TEXT_MAX];	/**< as sent, whitespace trimmed */
} umws_call_info;

/** The greeting PlayOnPhoneGreeting plays. */
typedef enum umws_greeting {
	UMWS_GREETING_NORMAL = 0,	/**< NormalCustom */
	UMWS_GREETING_OOF = 1		/**< OofCustom */
} umws_greeting;

/** The user's UM settings (GetUMProperties). Strings are never NULL. */
typedef struct umws_properties {
	int oof_status;			/**< 1 when out-of-office is on */
	int missed_call_notification;	/**< 1 when enabled */
	char *play_on_phone_dial_string; /**< default dial string */
	char *telephone_access_numbers;	/**< numbers joined by ", " */
	char *telephone_access_folder;	/**< base64 folder id */
} umws_properties;

/* ---- library ------------------------------------------------------ */

/**
 * Initialise the libraries umws uses (libcurl). Call once per process
 * before any other function, from one thread.
 *
 * @return UMWS_OK, or UMWS_EINTERNAL when libcurl cannot start.
 */
UMWS_EXTERN int umws_global_init(void);

/** Release what umws_global_init() set up. Call once, from one thread. */
UMWS_EXTERN void umws_global_cleanup(void);

/** The library's version text, "MAJOR.MINOR.PATCH"; never NULL. */
UMWS_EXTERN const char *umws_version(void);

/**
 * A fixed English description of a return code; never NULL, never fails
 * (an unknown code gives "unknown error").
 */
UMWS_EXTERN const char *umws_strerror(int code);

/** The name of a fault kind ("invalid call id"); never NULL. */
UMWS_EXTERN const char *umws_fault_kind_name(umws_fault_kind kind);

/**
 * Release a string the library handed to the caller (a CallId).
 * NULL is allowed and does nothing.
 */
UMWS_EXTERN void umws_free(void *p);

/* ---- client ------------------------------------------------------- */

/**
 * Fill opts with defaults for the given UMWS_OPTIONS_VERSION.
 *
 * @return UMWS_OK, or UMWS_EINVAL for NULL or an unknown version.
 */
UMWS_EXTERN int umws_options_init(umws_options *opts, unsigned int version);

/**
 * Create a client. Every string in opts is copied; opts may be released
 * after the call. Nothing is sent until the first operation.
 *
 * Refused with UMWS_EINVAL: NULL arguments, a missing or non-http(s) URL,
 * NTLM or Basic without user and password, credentials over http://
 * without allow_http, Basic over http:// in any case.
 *
 * @param out receives the client; set to NULL on failure
 * @param opts the options; its version must be UMWS_OPTIONS_VERSION
 * @return UMWS_OK, UMWS_EINVAL or UMWS_ENOMEM. A failed creation has no
 *	client to ask for details, so the reason is only the code.
 */
UMWS_EXTERN int umws_client_new(umws_client **out, const umws_options *opts);

/**
 * Same as umws_client_new(), and on failure writes a lower-case reason
 * (no credential in it) into errbuf of errlen bytes, which may be NULL.
 */
UMWS_EXTERN int umws_client_new2(umws_client **out, const umws_options *opts,
				 char *errbuf, size_t errlen);

/** Free a client, closing its connection. NULL does nothing. */
UMWS_EXTERN void umws_client_free(umws_client *c);

/**
 * The details of the last failed operation on c. Never NULL; for a NULL
 * client a static record with code UMWS_EINVAL.
 */
UMWS_EXTERN const umws_error *umws_client_error(const umws_client *c);

/**
 * The number of TCP connections c has opened so far. With keep-alive a
 * series of operations costs one, and NTLM one handshake.
 */
UMWS_EXTERN long umws_client_connections(const umws_client *c);

/* ---- operations --------------------------------------------------- */

/**
 * PlayOnPhone: call dial_string and play the item entry_id on it.
 * Never retried: a retry could ring the phone twice.
 *
 * @param call_id receives the CallId (caller frees with umws_free())
 * @param c the client
 * @param entry_id base64 store entry id of the voice mail item
 * @param dial_string the number to call
 * @return UMWS_OK; UMWS_EINVAL for NULL or empty arguments; UMWS_EBUSY
 *	when one_call_guard is on and the previous call is still active;
 *	UMWS_EPROTO for an empty CallId in the answer; or a transport,
 *	HTTP or fault code.
 */
UMWS_EXTERN int umws_play_on_phone(char **call_id, umws_client *c,
				   const char *entry_id,
				   const char *dial_string);

/**
 * PlayOnPhoneGreeting: call dial_string to play and record a greeting.
 * Same rules and codes as umws_play_on_phone().
 */
UMWS_EXTERN int umws_play_greeting(char **call_id, umws_client *c,
				   umws_greeting type,
				   const char *dial_string);

/**
 * GetCallInfo: the state of a call and why it ended. Values no list
 * names map to UMWS_STATE_UNKNOWN or UMWS_CAUSE_UNKNOWN with the text
 * kept in out.
 *
 * @return UMWS_OK; UMWS_EINVAL for NULL, empty or over-long (> 4096)
 *	call_id; UMWS_EFAULT with fault_kind UMWS_FAULT_INVALID_CALL_ID for
 *	a call the server does not know; or another error code.
 */
UMWS_EXTERN int umws_get_call_info(umws_call_info *out, umws_client *c,
				   const char *call_id);

/** Disconnect: end a call. Codes as umws_get_call_info(). */
UMWS_EXTERN int umws_disconnect(umws_client *c, const char *call_id);

/** IsUMEnabled: *enabled becomes 1 or 0. */
UMWS_EXTERN int umws_is_um_enabled(int *enabled, umws_client *c);

/**
 * GetUMProperties. On UMWS_OK out holds strings the caller releases with
 * umws_properties_clear(); on failure out is zeroed.
 */
UMWS_EXTERN int umws_get_properties(umws_properties *out, umws_client *c);

/** Release the strings in p and zero it. NULL does nothing. */
UMWS_EXTERN void umws_properties_clear(umws_properties *p);

/** SetOofStatus: on is 1 or 0. */
UMWS_EXTERN int umws_set_oof_status(umws_client *c, int on);

/** SetPlayOnPhoneDialString: the user's default dial string. */
UMWS_EXTERN int umws_set_play_on_phone_dial_string(umws_client *c,
						   const char *dial_string);

/** SetTelephoneAccessFolderEmail: folder_id is a base64 folder id. */
UMWS_EXTERN int umws_set_telephone_access_folder(umws_client *c,
						 const char *folder_id);

/** SetMissedCallNotificationEnabled: on is 1 or 0. */
UMWS_EXTERN int umws_set_missed_call_notification(umws_client *c, int on);

/** ResetPIN: the server mails a new PIN. Never retried. */
UMWS_EXTERN int umws_reset_pin(umws_client *c);

/* ---- values ------------------------------------------------------- */

/** The wire name of a state ("Connected"); "Unknown" for UNKNOWN. */
UMWS_EXTERN const char *umws_call_state_name(umws_call_state state);

/** The wire name of a cause ("UserBusy"); "Unknown" for UNKNOWN. */
UMWS_EXTERN const char *umws_event_cause_name(umws_event_cause cause);

/** The state named by text (case-insensitive); UNKNOWN if none. */
UMWS_EXTERN umws_call_state umws_call_state_from_name(const char *text);

/* ---- the call lifecycle ------------------------------------------- */

/**
 * A placed call: its CallId, what it last reported, and whether it is
 * over. Uses the client it was made with, which must outlive it.
 */
typedef struct umws_call umws_call;

/**
 * Place a call with PlayOnPhone and return it as a call object.
 * Arguments and codes as umws_play_on_phone().
 */
UMWS_EXTERN int umws_call_play(umws_call **out, umws_client *c,
			       const char *entry_id, const char *dial_string);

/** Place a call with PlayOnPhoneGreeting. As umws_call_play(). */
UMWS_EXTERN int umws_call_play_greeting(umws_call **out, umws_client *c,
					umws_greeting type,
					const char *dial_string);

/**
 * Attach to a CallId stored earlier, maybe by another process. Nothing
 * is sent; call umws_call_refresh() to learn the state.
 *
 * @return UMWS_OK, UMWS_EINVAL (NULL, empty or over-long id), UMWS_ENOMEM
 */
UMWS_EXTERN int umws_call_attach(umws_call **out, umws_client *c,
				 const char *call_id);

/** The CallId; owned by the call. NULL for a NULL call. */
UMWS_EXTERN const char *umws_call_id(const umws_call *call);

/**
 * One GetCallInfo. On UMWS_OK the call's info is updated. An
 * InvalidCallIdException means the server forgot the call: the call is
 * marked over and UMWS_EFAULT is returned.
 */
UMWS_EXTERN int umws_call_refresh(umws_call *call);

/**
 * What the call last reported; state UNKNOWN with empty texts before the
 * first refresh. NULL for a NULL call.
 */
UMWS_EXTERN const umws_call_info *umws_call_info_get(const umws_call *call);

/**
 * 1 when the call is over: Disconnected, Idle after it was placed or
 * attached, gone from the server, or hung up; else 0.
 */
UMWS_EXTERN int umws_call_is_over(const umws_call *call);

/**
 * 1 when the call is over without having been answered: it never reached
 * Connected and ended with UserBusy, NoAnswer or Unavailable.
 */
UMWS_EXTERN int umws_call_unanswered(const umws_call *call);

/** Progress callback: called once per state change while waiting. */
typedef void (*umws_progress_fn)(const umws_call *call,
				 const umws_call_info *info,
				 long elapsed_ms, void *data);

#define UMWS_WAIT_OPTIONS_VERSION 1

/** How umws_call_wait() waits. Zero fields take the defaults. */
typedef struct umws_wait_options {
	unsigned int version;	/**< UMWS_WAIT_OPTIONS_VERSION */
	umws_call_state until;	/**< UNKNOWN: until the call is over */
	long timeout_ms;	/**< deadline; 0: no deadline */
	long poll_min_ms;	/**< first interval; default 250 */
	long poll_max_ms;	/**< backoff ceiling; default 2000 */
	umws_progress_fn progress; /**< NULL: none */
	void *progress_data;	/**< passed to progress */
	const volatile int *cancel; /**< non-zero stops the wait */
} umws_wait_options;

#define UMWS_WAIT_OPTIONS_INIT { .version = UMWS_WAIT_OPTIONS_VERSION }

/**
 * Poll GetCallInfo until the call reaches wo->until (or any later state
 * of a placed call: a call that ends first stops the wait too), until it
 * is over, the deadline passes or *wo->cancel becomes non-zero. The
 * interval starts at poll_min_ms and doubles up to poll_max_ms; it drops
 * back to poll_min_ms after a state change.
 *
 * @param wo may be NULL for the defaults
 * @return UMWS_OK when the target was reached or the call is over;
 *	UMWS_ETIMEOUT at the deadline; UMWS_ECANCELED on cancel; or the
 *	code of a failed GetCallInfo.
 */
UMWS_EXTERN int umws_call_wait(umws_call *call, const umws_wait_options *wo);

/**
 * Hang up, idempotently: GetCallInfo, then Disconnect unless the call is
 * already Disconnected. InvalidCallIdException on either step means the
 * call is gone, which is success. Marks the call over.
 *
 * @return UMWS_OK or the code of the step that failed.
 */
UMWS_EXTERN int umws_call_hangup(umws_call *call);

/** Free a call object; does not hang up. NULL does nothing. */
UMWS_EXTERN void umws_call_free(umws_call *call);

#ifdef __cplusplus
}
#endif

#endif /* UMWS_H */
