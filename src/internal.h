/* internal.h - what the facade's files share; never installed */
#ifndef UMWS_INTERNAL_H
#define UMWS_INTERNAL_H

#include <curl/curl.h>

#include "umws.h"
#include "soapH.h"
#include "xmlguard.h"

/* The per-user CallId limit one server generation accepts (spec); ids are
 * refused above a generous multiple of it so a caller cannot make us send
 * megabytes, without imposing a limit lower than any server's. */
#define UMWS_CALL_ID_MAX 4096
#define UMWS_ARG_MAX 4096
#define UMWS_DEFAULT_MAX_RESPONSE (8u * 1024 * 1024)
#define UMWS_DEFAULT_CONNECT_MS 10000L
#define UMWS_DEFAULT_TIMEOUT_MS 60000L

/*
 * The generated proxies, behind a table so that unit tests can replace
 * them without a network.
 */
struct umws_ops {
	int (*play_on_phone)(struct soap *, const char *, const char *,
			     struct _um__PlayOnPhone *,
			     struct _um__PlayOnPhoneResponse *);
	int (*play_greeting)(struct soap *, const char *, const char *,
			     struct _um__PlayOnPhoneGreeting *,
			     struct _um__PlayOnPhoneGreetingResponse *);
	int (*get_call_info)(struct soap *, const char *, const char *,
			     struct _um__GetCallInfo *,
			     struct _um__GetCallInfoResponse *);
	int (*disconnect)(struct soap *, const char *, const char *,
			  struct _um__Disconnect *,
			  struct _um__DisconnectResponse *);
	int (*is_um_enabled)(struct soap *, const char *, const char *,
			     struct _um__IsUMEnabled *,
			     struct _um__IsUMEnabledResponse *);
	int (*get_properties)(struct soap *, const char *, const char *,
			      struct _um__GetUMProperties *,
			      struct _um__GetUMPropertiesResponse *);
	int (*set_oof)(struct soap *, const char *, const char *,
		       struct _um__SetOofStatus *,
		       struct _um__SetOofStatusResponse *);
	int (*set_dial_string)(struct soap *, const char *, const char *,
			       struct _um__SetPlayOnPhoneDialString *,
			       struct _um__SetPlayOnPhoneDialStringResponse *);
	int (*set_folder)(struct soap *, const char *, const char *,
			  struct _um__SetTelephoneAccessFolderEmail *,
			  struct _um__SetTelephoneAccessFolderEmailResponse *);
	int (*set_missed_call)(struct soap *, const char *, const char *,
		struct _um__SetMissedCallNotificationEnabled *,
		struct _um__SetMissedCallNotificationEnabledResponse *);
	int (*reset_pin)(struct soap *, const char *, const char *,
			 struct _um__ResetPIN *,
			 struct _um__ResetPINResponse *);
};

extern const struct umws_ops umws__generated_ops;

/*
 * Replaces the HTTP exchange for wire tests: given the request body, it
 * returns a malloc'd response body and an HTTP status, or a UMWS_E code.
 */
typedef int (*umws__exchange_fn)(void *data, const char *action,
				 const char *req, size_t req_len,
				 char **resp, size_t *resp_len, long *status);

/* One HTTP exchange on the client's libcurl handle. */
struct umws_transport {
	CURL *curl;
	struct curl_slist *headers;	/* for headers_action */
	char headers_action[256];
	char *req;
	size_t req_len, req_cap, req_pos;
	char *resp;
	size_t resp_len, resp_cap, resp_pos, max_resp;
	int too_big;
	int body_sent;		/* the whole body went out */
	int answered;		/* a status line came back since */
	int resend_ok;		/* the operation may be sent twice */
	int code;		/* UMWS_E* of the exchange, 0 if fine */
	long status;
	long connects;
	long new_connects;	/* connections opened by this exchange */
	CURLcode cres;
	char errbuf[CURL_ERROR_SIZE];
	char action[256];	/* SOAPAction of the request */
	/* A poll sends the same request again: req keeps the whole
	 * request written for kept_key (a GetCallInfo's CallId) until
	 * another request is written. */
	int kept;		/* req is whole and belongs to kept_key */
	char *kept_key;
	const char *next_key;	/* what the request being written is for */
	int resend_kept;	/* this exchange sends req as it is */
	umws__exchange_fn exchange;
	void *exchange_data;
	struct xmlguard *xml;	/* checks responses (xmlguard.c) */
};

struct umws_client {
	struct soap *soap;
	struct umws_transport tp;
	const struct umws_ops *ops;
	char *url, *user, *password, *user_agent;
	umws_options opts;		/* strings point at the copies */
	umws_error err;
	char *err_buf[4];		/* message, fault code/string, type */
	char *last_call_id;		/* for one_call_guard */
	/* gSOAP's namespace tables: what a request declares, and the
	 * whole one a response is read with (client.c, new_soap). */
	struct Namespace req_ns[3];
	struct Namespace resp_ns[8];
};

/* client.c */
int umws__fail(umws_client *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void umws__clear_error(umws_client *c);
void umws__log(const umws_client *c, umws_log_level level,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *umws__strdup(const char *s);
void umws__tidy_message(char *s);
int umws__check_text(umws_client *c, const char *what, const char *s,
		     size_t max);
int umws__utf8_text_ok(const char *s);

/* credentials.c */
int umws__check_url_parts(const char *url, char *errbuf, size_t errlen);
int umws__take_credentials(umws_client *c, const umws_options *o,
			   char *errbuf, size_t errlen);

/* transport.c */
int umws__transport_init(umws_client *c);
void umws__transport_free(umws_client *c);
void umws__transport_begin(umws_client *c, int resend_ok);
int umws__transport_retry_ok(const umws_client *c);
int umws__transport_kept(const umws_client *c, const char *key);
void umws__transport_keep(umws_client *c, const char *key, int resend);

/* fault.c */
int umws__classify(umws_client *c, const char *op);
umws_fault_kind umws__fault_kind_of(const char *exception_type);
const char *umws__local_name(const char *qname);

/* wellformed.c */
int umws__xml_check(struct xmlguard **g, const char *buf, size_t len,
		    char *why, size_t whylen);
void umws__xml_init(void);
void umws__xml_cleanup(void);

/* values.c */
umws_event_cause umws__cause_from_text(const char *text);
int umws__trim_copy(char *dst, size_t size, const char *src);

/* call.c */
int umws__guard_check(umws_client *c);
int umws__remember_call(umws_client *c, const char *call_id);

/* test hooks */
void umws__set_ops(umws_client *c, const struct umws_ops *ops);
void umws__set_exchange(umws_client *c, umws__exchange_fn fn, void *data);

#endif /* UMWS_INTERNAL_H */
