/**
 * @file umws.h
 * @brief Client for the Exchange Unified Messaging web service.
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

/**
 * Marks the exported functions. Only the library's own build, which
 * hides everything else, defines UMWS_BUILDING.
 */
#if defined(__GNUC__) && defined(UMWS_BUILDING)
#define UMWS_EXTERN __attribute__((visibility("default")))
#else
#define UMWS_EXTERN
#endif

/* The version lives here and nowhere else: the build reads it. */
/** Major version: changes with every incompatible ABI change (soname). */
#define UMWS_VERSION_MAJOR 0
/** Minor version: new functions or fields, compatible. */
#define UMWS_VERSION_MINOR 1
/** Patch version: fixes only. */
#define UMWS_VERSION_PATCH 0
/** The three numbers as text, as umws_version() returns them. */
#define UMWS_VERSION "0.1.0"

/** Return codes. Numbers are never reused. */
enum {
	UMWS_OK = 0,		/**< success */
	UMWS_EINVAL = -1,	/**< bad argument from the caller */
	UMWS_ENOMEM = -2,	/**< out of memory */
	UMWS_ECONNECT = -3,	/**< name resolution or connection failed */
	UMWS_ETLS = -4,		/**< TLS handshake or verification failed */
	UMWS_EAUTH = -5,	/**< the server refused the credentials */
	UMWS_ETIMEOUT = -6,	/**< a connect or request timeout expired */
	UMWS_EHTTP = -7,	/**< unexpected HTTP status */
	UMWS_EFAULT = -8,	/**< the server answered with a SOAP fault */
	UMWS_EPROTO = -9,	/**< the response is not the service's */
	UMWS_ETOOBIG = -10,	/**< the response is over max_response_bytes */
	UMWS_EBUSY = -11,	/**< a previous call is still active */
	UMWS_ECANCELED = -12,	/**< a wait was cancelled by the caller */
	UMWS_EINTERNAL = -13,	/**< a library fault; please report it */
	UMWS_EDEADLINE = -14	/**< a wait's own deadline passed */
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
	UMWS_LOG_NONE = 0,	/**< nothing */
	UMWS_LOG_ERROR = 1,	/**< unused: failures come back as codes */
	UMWS_LOG_WARN = 2,	/**< settings that weaken TLS (insecure) */
	UMWS_LOG_INFO = 3,	/**< one line per operation */
	UMWS_LOG_DEBUG = 4,	/**< HTTP headers, Authorization redacted */
	UMWS_LOG_TRACE = 5	/**< request and response bodies */
} umws_log_level;

/**
 * Log callback. msg is one line without a newline, valid during the call
 * only. Called from the thread that uses the client.
 *
 * @param level how important the message is
 * @param msg the line; never NULL, never holds a credential
 * @param data the client's umws_options.log_data
 */
typedef void (*umws_log_fn)(umws_log_level level, const char *msg,
			    void *data);

/** The umws_options layout this header describes. */
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
	const char *user;	/**< DOMAIN\\user or user\@domain */
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

/** Initialiser for a umws_options: the version set, all else default. */
#define UMWS_OPTIONS_INIT { .version = UMWS_OPTIONS_VERSION }

/** Opaque client: one endpoint, one set of credentials, one connection. */
typedef struct umws_client umws_client;

/** Call state as GetCallInfo reports it. */
typedef enum umws_call_state {
	UMWS_STATE_UNKNOWN = 0,	/**< text no list names; see state_text */
	UMWS_STATE_IDLE = 1,		/**< Idle: no call, or it ended */
	UMWS_STATE_CONNECTING = 2,	/**< Connecting: being set up */
	UMWS_STATE_ALERTED = 3,		/**< Alerted: the phone rings */
	UMWS_STATE_CONNECTED = 4,	/**< Connected: answered */
	UMWS_STATE_DISCONNECTED = 5,	/**< Disconnected: over */
	UMWS_STATE_INCOMING = 6,	/**< Incoming */
	UMWS_STATE_TRANSFERRING = 7,	/**< Transferring */
	UMWS_STATE_FORWARDING = 8	/**< Forwarding */
} umws_call_state;

/** Why a call ended, as GetCallInfo reports it. */
typedef enum umws_event_cause {
	UMWS_CAUSE_UNKNOWN = 0,	/**< text no list names; see cause_text */
	UMWS_CAUSE_NONE = 1,		/**< None: not ended, or hung up */
	UMWS_CAUSE_USER_BUSY = 2,	/**< UserBusy: the line was busy */
	UMWS_CAUSE_NO_ANSWER = 3,	/**< NoAnswer: it rang out */
	UMWS_CAUSE_UNAVAILABLE = 4,	/**< Unavailable: unreachable */
	UMWS_CAUSE_OTHER = 5		/**< Other */
} umws_event_cause;

/** Longest state or cause text kept, terminating NUL included. */
#define UMWS_TEXT_MAX 64

/** One GetCallInfo answer: the converted values and the server's text. */
typedef struct umws_call_info {
	umws_call_state state;		/**< the state, converted */
	umws_event_cause cause;		/**< the cause, converted */
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
 * before any other function, from one thread, while no other thread runs
 * code that uses libcurl or OpenSSL.
 *
 * @return UMWS_OK, or UMWS_EINTERNAL when libcurl cannot start.
 */
UMWS_EXTERN int umws_global_init(void);

/**
 * Release what umws_global_init() set up. Call once, from one thread,
 * after every client is freed. Not thread-safe.
 */
UMWS_EXTERN void umws_global_cleanup(void);

/**
 * The version of the library actually loaded, which may be newer than
 * the UMWS_VERSION a program was compiled with. Thread-safe.
 *
 * @return static text "MAJOR.MINOR.PATCH"; never NULL.
 */
UMWS_EXTERN const char *umws_version(void);

/**
 * A fixed English description of a return code. Thread-safe.
 *
 * @param code UMWS_OK or a UMWS_E* code
 * @return static lower-case text; never NULL, never fails (an unknown
 *	code gives "unknown error").
 */
UMWS_EXTERN const char *umws_strerror(int code);

/**
 * The name of a fault kind. Thread-safe.
 *
 * @param kind a fault kind, usually umws_error.fault_kind
 * @return static text such as "invalid call id"; "unknown" for a value
 *	the enum does not name; never NULL.
 */
UMWS_EXTERN const char *umws_fault_kind_name(umws_fault_kind kind);

/**
 * Release a string the library handed to the caller (a CallId).
 *
 * @param p the string; NULL is allowed and does nothing
 */
UMWS_EXTERN void umws_free(void *p);

/* ---- client ------------------------------------------------------- */

/**
 * Fill opts with defaults for the given UMWS_OPTIONS_VERSION: the
 * version set and every other field zero, which means its default.
 *
 * @param opts the options to fill
 * @param version UMWS_OPTIONS_VERSION
 * @return UMWS_OK, or UMWS_EINVAL for a NULL opts or an unknown version.
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
 * @param out receives the client, freed with umws_client_free(); set to
 *	NULL on failure
 * @param opts the options; its version must be UMWS_OPTIONS_VERSION
 * @return UMWS_OK, UMWS_EINVAL or UMWS_ENOMEM. A failed creation has no
 *	client to ask for details, so the reason is only the code.
 */
UMWS_EXTERN int umws_client_new(umws_client **out, const umws_options *opts);

/**
 * Same as umws_client_new(), and on failure also says why.
 *
 * @param out receives the client; set to NULL on failure
 * @param opts the options; its version must be UMWS_OPTIONS_VERSION
 * @param errbuf receives a lower-case reason (no credential in it), or
 *	an empty string on success; may be NULL
 * @param errlen the size of errbuf in bytes; the reason is truncated to
 *	fit and always NUL-terminated when errlen is not 0
 * @return as umws_client_new()
 */
UMWS_EXTERN int umws_client_new2(umws_client **out, const umws_options *opts,
				 char *errbuf, size_t errlen);

/**
 * Free a client, closing its connection and wiping its copy of the
 * password. Calls made from it must not be used afterwards, except to
 * free them with umws_call_free().
 *
 * @param c the client; NULL does nothing
 */
UMWS_EXTERN void umws_client_free(umws_client *c);

/**
 * The details of the last failed operation on c. A successful operation
 * resets the record to code UMWS_OK.
 *
 * @param c the client
 * @return the record, owned by c and valid until the next call on c;
 *	never NULL: for a NULL client a static record with code
 *	UMWS_EINVAL.
 */
UMWS_EXTERN const umws_error *umws_client_error(const umws_client *c);

/**
 * The number of TCP connections c has opened so far. With keep-alive a
 * series of operations costs one, and NTLM one handshake.
 *
 * @param c the client
 * @return the count; 0 for a NULL client
 */
UMWS_EXTERN long umws_client_connections(const umws_client *c);

/* ---- operations --------------------------------------------------- */

/*
 * Every operation below returns UMWS_OK or a negative code, and on
 * failure leaves the details in umws_client_error(c); with a NULL client
 * it returns UMWS_EINVAL and records nothing. Transport and protocol
 * codes: UMWS_ECONNECT, UMWS_ETLS, UMWS_EAUTH, UMWS_ETIMEOUT, UMWS_EHTTP,
 * UMWS_EFAULT, UMWS_EPROTO, UMWS_ETOOBIG, UMWS_ENOMEM.
 */

/**
 * PlayOnPhone: call dial_string and play the item entry_id on it.
 * Never retried: a retry could ring the phone twice.
 *
 * @param call_id receives the CallId (caller frees with umws_free());
 *	set to NULL on failure
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
 *
 * @param call_id receives the CallId (caller frees with umws_free());
 *	set to NULL on failure
 * @param c the client
 * @param type which greeting
 * @param dial_string the number to call
 * @return as umws_play_on_phone()
 */
UMWS_EXTERN int umws_play_greeting(char **call_id, umws_client *c,
				   umws_greeting type,
				   const char *dial_string);

/**
 * GetCallInfo: the state of a call and why it ended. Values no list
 * names map to UMWS_STATE_UNKNOWN or UMWS_CAUSE_UNKNOWN with the text
 * kept in out. Retried once if a kept-alive connection was closed.
 *
 * @param out receives the answer; the caller owns the struct
 * @param c the client
 * @param call_id a CallId from PlayOnPhone or PlayOnPhoneGreeting
 * @return UMWS_OK; UMWS_EINVAL for NULL, empty or over-long (> 4096)
 *	call_id; UMWS_EFAULT with fault_kind UMWS_FAULT_INVALID_CALL_ID for
 *	a call the server does not know; or another error code.
 */
UMWS_EXTERN int umws_get_call_info(umws_call_info *out, umws_client *c,
				   const char *call_id);

/**
 * Disconnect: end a call.
 *
 * @param c the client
 * @param call_id the call to end
 * @return as umws_get_call_info()
 */
UMWS_EXTERN int umws_disconnect(umws_client *c, const char *call_id);

/**
 * IsUMEnabled: whether the user is enabled for Unified Messaging.
 *
 * @param enabled receives 1 or 0
 * @param c the client
 * @return UMWS_OK; UMWS_EINVAL for a NULL argument; or a transport,
 *	HTTP or fault code.
 */
UMWS_EXTERN int umws_is_um_enabled(int *enabled, umws_client *c);

/**
 * GetUMProperties: the user's UM settings.
 *
 * @param out on UMWS_OK holds strings the caller releases with
 *	umws_properties_clear(); on failure it is zeroed
 * @param c the client
 * @return UMWS_OK; UMWS_EINVAL for a NULL argument; or a transport,
 *	HTTP or fault code.
 */
UMWS_EXTERN int umws_get_properties(umws_properties *out, umws_client *c);

/**
 * Release the strings in p and zero it.
 *
 * @param p properties from umws_get_properties(); NULL does nothing
 */
UMWS_EXTERN void umws_properties_clear(umws_properties *p);

/**
 * SetOofStatus: turn the user's out-of-office greeting on or off.
 *
 * @param c the client
 * @param on 1 or 0
 * @return UMWS_OK, UMWS_EINVAL for a NULL client, or a transport, HTTP
 *	or fault code.
 */
UMWS_EXTERN int umws_set_oof_status(umws_client *c, int on);

/**
 * SetPlayOnPhoneDialString: the user's default dial string.
 *
 * @param c the client
 * @param dial_string the number, copied
 * @return UMWS_OK; UMWS_EINVAL for NULL or empty arguments; or a
 *	transport, HTTP or fault code.
 */
UMWS_EXTERN int umws_set_play_on_phone_dial_string(umws_client *c,
						   const char *dial_string);

/**
 * SetTelephoneAccessFolderEmail: the folder read out over the phone.
 *
 * @param c the client
 * @param folder_id a base64 folder id
 * @return UMWS_OK; UMWS_EINVAL for NULL or empty arguments; or a
 *	transport, HTTP or fault code.
 */
UMWS_EXTERN int umws_set_telephone_access_folder(umws_client *c,
						 const char *folder_id);

/**
 * SetMissedCallNotificationEnabled: mail on missed calls, or not.
 *
 * @param c the client
 * @param on 1 or 0
 * @return UMWS_OK, UMWS_EINVAL for a NULL client, or a transport, HTTP
 *	or fault code.
 */
UMWS_EXTERN int umws_set_missed_call_notification(umws_client *c, int on);

/**
 * ResetPIN: the server mails a new PIN. Never retried, so that one
 * request can never reset the PIN twice.
 *
 * @param c the client
 * @return UMWS_OK, UMWS_EINVAL for a NULL client, or a transport, HTTP
 *	or fault code.
 */
UMWS_EXTERN int umws_reset_pin(umws_client *c);

/* ---- values ------------------------------------------------------- */

/**
 * The wire name of a state. Thread-safe.
 *
 * @param state a state
 * @return static text such as "Connected"; "Unknown" for
 *	UMWS_STATE_UNKNOWN or a value the enum does not name; never NULL.
 */
UMWS_EXTERN const char *umws_call_state_name(umws_call_state state);

/**
 * The wire name of a cause. Thread-safe.
 *
 * @param cause a cause
 * @return static text such as "UserBusy"; "Unknown" for
 *	UMWS_CAUSE_UNKNOWN or a value the enum does not name; never NULL.
 */
UMWS_EXTERN const char *umws_event_cause_name(umws_event_cause cause);

/**
 * The state named by a wire name. Thread-safe.
 *
 * @param text a name such as "connected", compared case-insensitively
 * @return the state; UMWS_STATE_UNKNOWN for NULL or a name no state has
 */
UMWS_EXTERN umws_call_state umws_call_state_from_name(const char *text);

/* ---- the call lifecycle ------------------------------------------- */

/**
 * A placed call: its CallId, what it last reported, and whether it is
 * over. Uses the client it was made with, which must outlive it and
 * which it shares its thread rule and error record with.
 */
typedef struct umws_call umws_call;

/**
 * Place a call with PlayOnPhone and return it as a call object.
 *
 * @param out receives the call, freed with umws_call_free(); set to NULL
 *	on failure
 * @param c the client; errors are recorded on it
 * @param entry_id base64 store entry id of the voice mail item
 * @param dial_string the number to call
 * @return as umws_play_on_phone(); UMWS_EINVAL for a NULL out or c.
 */
UMWS_EXTERN int umws_call_play(umws_call **out, umws_client *c,
			       const char *entry_id, const char *dial_string);

/**
 * Place a call with PlayOnPhoneGreeting.
 *
 * @param out receives the call; set to NULL on failure
 * @param c the client; errors are recorded on it
 * @param type which greeting
 * @param dial_string the number to call
 * @return as umws_call_play()
 */
UMWS_EXTERN int umws_call_play_greeting(umws_call **out, umws_client *c,
					umws_greeting type,
					const char *dial_string);

/**
 * Attach to a CallId stored earlier, maybe by another process. Nothing
 * is sent; call umws_call_refresh() to learn the state.
 *
 * @param out receives the call; set to NULL on failure
 * @param c the client the call will use
 * @param call_id the CallId, copied
 * @return UMWS_OK, UMWS_EINVAL (NULL, empty or over-long id), UMWS_ENOMEM
 */
UMWS_EXTERN int umws_call_attach(umws_call **out, umws_client *c,
				 const char *call_id);

/**
 * The CallId of a call, to store and later resume with
 * umws_call_attach().
 *
 * @param call the call
 * @return the id, owned by the call and valid until umws_call_free();
 *	NULL for a NULL call.
 */
UMWS_EXTERN const char *umws_call_id(const umws_call *call);

/**
 * One GetCallInfo. On UMWS_OK the call's info is updated. An
 * InvalidCallIdException means the server forgot the call: the call is
 * marked over and UMWS_EFAULT is returned.
 *
 * @param call the call
 * @return as umws_get_call_info(); UMWS_EINVAL for a NULL call.
 */
UMWS_EXTERN int umws_call_refresh(umws_call *call);

/**
 * What the call last reported; state UNKNOWN with empty texts before the
 * first refresh.
 *
 * @param call the call
 * @return the info, owned by the call and updated in place by each
 *	refresh; NULL for a NULL call.
 */
UMWS_EXTERN const umws_call_info *umws_call_info_get(const umws_call *call);

/**
 * Whether the call is over: Disconnected, Idle after it was placed or
 * attached, gone from the server, or hung up. Sends nothing.
 *
 * @param call the call
 * @return 1 when over, else 0; 0 for a NULL call.
 */
UMWS_EXTERN int umws_call_is_over(const umws_call *call);

/**
 * Whether the call is over without having been answered: it never
 * reached Connected and ended with UserBusy, NoAnswer or Unavailable.
 *
 * @param call the call
 * @return 1 or 0; 0 for a NULL call.
 */
UMWS_EXTERN int umws_call_unanswered(const umws_call *call);

/**
 * Progress callback: called once per state change while waiting, from
 * the waiting thread.
 *
 * @param call the call being waited on
 * @param info what it reported, valid during the callback only
 * @param elapsed_ms time since the wait began
 * @param data umws_wait_options.progress_data
 */
typedef void (*umws_progress_fn)(const umws_call *call,
				 const umws_call_info *info,
				 long elapsed_ms, void *data);

/** The umws_wait_options layout this header describes. */
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

/** Initialiser for a umws_wait_options: wait until the call is over. */
#define UMWS_WAIT_OPTIONS_INIT { .version = UMWS_WAIT_OPTIONS_VERSION }

/**
 * Poll GetCallInfo until the call reaches wo->until (or any later state
 * of a placed call: a call that ends first stops the wait too), until it
 * is over, the deadline passes or *wo->cancel becomes non-zero. The
 * interval starts at poll_min_ms and doubles up to poll_max_ms; it drops
 * back to poll_min_ms after a state change. The cancel flag may be set
 * from a signal handler or another thread.
 *
 * @param call the call
 * @param wo may be NULL for the defaults
 * A failed GetCallInfo ends the wait with its code. When it is
 * UMWS_EFAULT with UMWS_FAULT_INVALID_CALL_ID the server does not know
 * the call (a wrong id, or one forgotten after it ended): the call is
 * then marked over, but the wait still fails, so that a typo in a
 * stored CallId is never taken for a finished call.
 *
 * @return UMWS_OK when the target was reached or the call is over;
 *	UMWS_EDEADLINE when timeout_ms passed first (a request that
 *	times out gives UMWS_ETIMEOUT); UMWS_ECANCELED on cancel;
 *	UMWS_EINVAL for a NULL call or an unknown wo->version; or the
 *	code of a failed GetCallInfo.
 */
UMWS_EXTERN int umws_call_wait(umws_call *call, const umws_wait_options *wo);

/**
 * Hang up, idempotently: GetCallInfo, then Disconnect unless the call is
 * already Disconnected. InvalidCallIdException on either step means the
 * call is gone, which is success. Marks the call over.
 *
 * @param call the call
 * @return UMWS_OK, UMWS_EINVAL for a NULL call, or the code of the step
 *	that failed.
 */
UMWS_EXTERN int umws_call_hangup(umws_call *call);

/**
 * Free a call object. Does not hang up: the call goes on and can be
 * resumed from its CallId.
 *
 * @param call the call; NULL does nothing
 */
UMWS_EXTERN void umws_call_free(umws_call *call);

#ifdef __cplusplus
}
#endif

#endif /* UMWS_H */
