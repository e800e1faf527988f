/* umws-server: the listening socket, TLS, and a thread per connection.
 *
 * Every connection holds a slot with a deadline: a new or idle
 * keep-alive connection must begin a request within --idle-timeout,
 * and a request must be read and answered within --request-timeout of
 * its first byte, however slowly its bytes trickle in (gSOAP's own
 * timeouts restart with every byte). accept() wakes five times a second
 * and the loop shuts down sockets past their deadline, which ends their
 * threads' reads at once; so idle and slow peers cannot keep the slots
 * others need. With all --max-connections slots taken, BUSY_MAX more
 * connections are kept just long enough to be told 503; past those, a
 * connection is closed at once. On stop, open connections are shut
 * down the same way. */
#include "server.h"
#include "soapH.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#define BUSY_MAX 16
#define BUSY_SECONDS 2.0
#define SPARE_FDS 32		/* listener, log, stats and TLS files */
#define BACKLOG 128
#define TICK_USEC 200000	/* how often deadlines are checked */
#define HEADERS_MAX (32 * 1024)
#define DRAIN_SECONDS 5

struct slot {
	SOAP_SOCKET fd;		/* SOAP_INVALID_SOCKET once closed */
	int used;
	int in_request;
	double deadline;	/* 0 once the socket was shut down */
	char peer[64];
};

struct worker {
	struct soap *soap;
	int slot;
	int busy;
};

/* The lock also orders closing a socket against shutting it down, so
 * a descriptor number reused by a new connection is never cut. */
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *slots;
static int conn_max, nslots, nactive;
static double idle_seconds, request_seconds;
static int (*tcp_close)(struct soap *, SOAP_SOCKET);

/* Normal slots first; a busy one only when they are all taken. */
static int take_slot(SOAP_SOCKET fd, const char *peer, int *busy)
{
	struct slot *s;
	int i, got = -1;

	pthread_mutex_lock(&slots_lock);
	for (i = 0; i < nslots && got < 0; i++)
		if (!slots[i].used)
			got = i;
	if (got >= 0) {
		s = &slots[got];
		*busy = got >= conn_max;
		s->used = 1;
		s->fd = fd;
		s->in_request = 0;
		s->deadline = srv_now() + (*busy ? BUSY_SECONDS :
					   idle_seconds);
		snprintf(s->peer, sizeof(s->peer), "%s", peer);
		nactive++;
	}
	pthread_mutex_unlock(&slots_lock);
	return got;
}

static void give_slot(int i)
{
	pthread_mutex_lock(&slots_lock);
	slots[i].used = 0;
	slots[i].fd = SOAP_INVALID_SOCKET;
	nactive--;
	pthread_mutex_unlock(&slots_lock);
}

/* A busy slot keeps its short deadline whatever it is asked. */
static void set_deadline(int i, int in_request, double seconds)
{
	pthread_mutex_lock(&slots_lock);
	if (i < conn_max && slots[i].deadline > 0) {
		slots[i].in_request = in_request;
		slots[i].deadline = srv_now() + seconds;
	}
	pthread_mutex_unlock(&slots_lock);
}

void listen_request_started(int slot)
{
	set_deadline(slot, 1, request_seconds);
}

void listen_request_done(int slot)
{
	set_deadline(slot, 0, idle_seconds);
}

/* gSOAP's fclosesocket: the slot forgets the descriptor first. */
static int close_socket(struct soap *soap, SOAP_SOCKET fd)
{
	int i;

	pthread_mutex_lock(&slots_lock);
	for (i = 0; i < nslots; i++)
		if (slots[i].used && slots[i].fd == fd)
			slots[i].fd = SOAP_INVALID_SOCKET;
	pthread_mutex_unlock(&slots_lock);
	return tcp_close(soap, fd);
}

static void cut(struct slot *s)
{
	if (s->in_request)
		srv_log("%s request cut off: over its %g s", s->peer,
			request_seconds);
	else
		srv_debug("%s closed: idle or slow", s->peer);
	shutdown(s->fd, SHUT_RDWR);
	s->deadline = 0;
}

static void reap(void)
{
	double now = srv_now();
	int i;

	pthread_mutex_lock(&slots_lock);
	for (i = 0; i < nslots; i++)
		if (slots[i].used && soap_valid_socket(slots[i].fd) &&
		    slots[i].deadline > 0 && now >= slots[i].deadline)
			cut(&slots[i]);
	pthread_mutex_unlock(&slots_lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct soap *soap = w->soap;
	const char *peer = slots[w->slot].peer;

	if (soap->ctx && soap_ssl_accept(soap))
		srv_debug("%s tls handshake failed", peer);
	else
		conn_serve(soap, peer, w->slot, w->busy);
	soap_force_closesock(soap);
	give_slot(w->slot);
	soap_destroy(soap);
	soap_end(soap);
	soap_free(soap);
	free(w);
	return NULL;
}

/* Stop signals stay with the main thread, so they never cut a read. */
static int spawn(struct worker *w)
{
	sigset_t block, old;
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&tid, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

/* Under a flood this would be a line per connection: one a second. */
static void refused(const char *peer)
{
	static double last;
	static unsigned long count;
	double now = srv_now();

	count++;
	if (now - last < 1.0)
		return;
	srv_log("%s refused: all %d connections taken (%lu refused)", peer,
		nslots, count);
	last = now;
}

static void start_worker(struct soap *master)
{
	struct worker *w;
	char peer[64];
	int busy = 0, slot;

	snprintf(peer, sizeof(peer), "%.48s:%d", master->host, master->port);
	slot = take_slot(master->socket, peer, &busy);
	if (slot < 0) {
		refused(peer);
		soap_force_closesock(master);
		return;
	}
	w = calloc(1, sizeof(*w));
	if (!w || !(w->soap = soap_copy(master))) {
		srv_log("%s dropped: out of memory", peer);
		soap_force_closesock(master);
		give_slot(slot);
		free(w);
		return;
	}
	w->slot = slot;
	w->busy = busy;
	master->socket = SOAP_INVALID_SOCKET;
	if (spawn(w) != 0) {
		srv_log("%s dropped: cannot start a thread", peer);
		soap_force_closesock(w->soap);
		give_slot(slot);
		soap_free(w->soap);
		free(w);
	}
}

static int tls_setup(struct soap *soap, const struct listen_config *cfg)
{
	if (soap_ssl_server_context(soap, SOAP_TLSv1_2 | SOAP_TLSv1_3, NULL,
				    NULL, NULL, NULL, NULL, NULL, NULL)) {
		srv_log("cannot set up tls: %s", soap_fault_string(soap) ?
			soap_fault_string(soap) : "openssl failed");
		return -1;
	}
	if (SSL_CTX_use_certificate_chain_file(soap->ctx, cfg->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(soap->ctx, cfg->key,
					SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(soap->ctx) != 1) {
		srv_log("cannot use certificate %s with key %s", cfg->cert,
			cfg->key);
		return -1;
	}
	return 0;
}

static int bound_port(struct soap *soap)
{
	struct sockaddr_storage ss;
	socklen_t n = sizeof(ss);

	if (getsockname(soap->master, (struct sockaddr *)&ss, &n) != 0)
		return -1;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int announce(struct soap *soap, const struct listen_config *cfg)
{
	char text[32];
	int port = bound_port(soap), err;

	if (port < 0) {
		srv_log("cannot learn the bound port: %s", strerror(errno));
		return 1;
	}
	snprintf(text, sizeof(text), "%d\n", port);
	if (cfg->port_file &&
	    (err = srv_write_file(cfg->port_file, text)) != 0) {
		srv_log("cannot write port file %s: %s", cfg->port_file,
			strerror(-err));
		return SRV_EXIT_CONFIG;
	}
	srv_log("listening on %s port %d (%s), up to %d connections",
		cfg->host, port, soap->ctx ? "https" : "http", conn_max);
	return 0;
}

/* Each connection holds a descriptor: the cap must fit the limit,
 * raised to what it needs when the hard limit allows. */
static int fit_fd_limit(int want)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)want + BUSY_MAX + SPARE_FDS;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return want;
	if (rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max != RLIM_INFINITY &&
			rl.rlim_max < need ? rl.rlim_max : need;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur >= need)
		return want;
	if (rl.rlim_cur < BUSY_MAX + SPARE_FDS + 2)
		return 1;
	return (int)(rl.rlim_cur - BUSY_MAX - SPARE_FDS);
}

static int setup_slots(const struct listen_config *cfg)
{
	int i;

	conn_max = fit_fd_limit(cfg->max_connections);
	if (conn_max < cfg->max_connections)
		srv_log("open-file limit: serving up to %d connections, not "
			"%d", conn_max, cfg->max_connections);
	nslots = conn_max + BUSY_MAX;
	slots = calloc((size_t)nslots, sizeof(*slots));
	if (!slots)
		return -1;
	for (i = 0; i < nslots; i++)
		slots[i].fd = SOAP_INVALID_SOCKET;
	idle_seconds = cfg->idle_seconds;
	request_seconds = cfg->request_seconds;
	return 0;
}

/* gSOAP's timeouts are a second line behind the slot deadlines: they
 * restart with every byte, so alone they would let a trickle live. */
static void settings(struct soap *soap, const struct listen_config *cfg)
{
	int t = (int)(cfg->request_seconds + cfg->idle_seconds) + 1;

	soap->bind_flags = SO_REUSEADDR;
	soap->accept_timeout = -TICK_USEC;
	soap->recv_timeout = t;
	soap->send_timeout = t;
	soap->transfer_timeout = t;
	soap->recv_maxlength = SRV_REQUEST_MAX + HEADERS_MAX;
	soap->max_keep_alive = cfg->keep_alive_max;
	tcp_close = soap->fclosesocket;
	soap->fclosesocket = close_socket;
}

static int should_stop(double deadline)
{
	return srv_stopping || (deadline > 0 && srv_now() >= deadline);
}

/* Cuts idle keep-alive reads short, then waits for threads a while. */
static void drain(void)
{
	double until = srv_now() + DRAIN_SECONDS;
	int i;

	pthread_mutex_lock(&slots_lock);
	srv_stopping = 1;
	for (i = 0; i < nslots; i++)
		if (slots[i].used && soap_valid_socket(slots[i].fd))
			shutdown(slots[i].fd, SHUT_RDWR);
	pthread_mutex_unlock(&slots_lock);
	while (srv_now() < until) {
		pthread_mutex_lock(&slots_lock);
		i = nactive;
		pthread_mutex_unlock(&slots_lock);
		if (i == 0)
			break;
		usleep(20000);
	}
}

/* Out of descriptors, accept() fails at once while the connection
 * waits in the backlog: a pause keeps the loop from spinning. */
static void accept_loop(struct soap *soap, double deadline)
{
	while (!should_stop(deadline)) {
		if (soap_valid_socket(soap_accept(soap))) {
			start_worker(soap);
		} else if (soap->errnum) {
			srv_debug("accept failed: %s",
				  strerror(soap->errnum));
			if (soap->errnum == EMFILE || soap->errnum == ENFILE)
				usleep(TICK_USEC / 4);
		}
		reap();
	}
}

/* Sets up and binds; 0, or the exit code of the failure. */
static int open_listener(struct soap *soap, const struct listen_config *cfg)
{
	if (cfg->cert && tls_setup(soap, cfg) != 0)
		return SRV_EXIT_CONFIG;
	if (!soap_valid_socket(soap_bind(soap, cfg->host, cfg->port,
					 BACKLOG))) {
		srv_log("cannot listen on %s port %d: %s", cfg->host,
			cfg->port, soap->errnum ? strerror(soap->errnum) :
			"bind failed");
		return 1;
	}
	return announce(soap, cfg);
}

int listen_run(const struct listen_config *cfg)
{
	struct soap *soap;
	double deadline = cfg->max_seconds > 0 ?
		srv_now() + cfg->max_seconds : 0;
	int rc;

	if (setup_slots(cfg) != 0 ||
	    !(soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING))) {
		srv_log("out of memory");
		return 1;
	}
	settings(soap, cfg);
	rc = open_listener(soap, cfg);
	if (rc == 0) {
		accept_loop(soap, deadline);
		srv_log("stopping (%s)", srv_stopping ? "signal" :
			"time limit");
		drain();
	}
	soap_destroy(soap);
	soap_end(soap);
	soap_free(soap);
	return rc;
}
