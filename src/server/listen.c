/* umws-server: the listening socket, TLS, and a thread per connection.
 *
 * At most CONN_MAX connections are served at once; the accept loop
 * waits for a free slot. accept() wakes every second to notice a stop
 * signal or the --max-seconds deadline; on stop, open connections are
 * shut down so their threads leave their reads at once. */
#include "server.h"
#include "soapH.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#define CONN_MAX 32
#define IO_TIMEOUT 30			/* seconds of silence per read */
#define REQUEST_MAX (256 * 1024)	/* UM requests are tiny */
#define DRAIN_SECONDS 5

struct worker {
	struct soap *soap;
	int slot;
	char peer[64];
};

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slots_freed = PTHREAD_COND_INITIALIZER;
static SOAP_SOCKET slots[CONN_MAX];
static int slot_used[CONN_MAX];
static int nactive;

/* Waits up to a second for a free slot; -1 if none. */
static int take_slot(SOAP_SOCKET fd)
{
	struct timespec until;
	int i, got = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 1;
	pthread_mutex_lock(&slots_lock);
	while (nactive == CONN_MAX &&
	       pthread_cond_timedwait(&slots_freed, &slots_lock, &until) == 0)
		continue;
	for (i = 0; i < CONN_MAX && got < 0; i++)
		if (!slot_used[i])
			got = i;
	if (got >= 0) {
		slot_used[got] = 1;
		slots[got] = fd;
		nactive++;
	}
	pthread_mutex_unlock(&slots_lock);
	return got;
}

static void give_slot(int i)
{
	pthread_mutex_lock(&slots_lock);
	slot_used[i] = 0;
	nactive--;
	pthread_cond_broadcast(&slots_freed);
	pthread_mutex_unlock(&slots_lock);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct soap *soap = w->soap;

	if (soap->ctx && soap_ssl_accept(soap))
		srv_log("%s tls handshake failed", w->peer);
	else
		conn_serve(soap, w->peer);
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

static void start_worker(struct soap *master)
{
	struct worker *w = calloc(1, sizeof(*w));
	int slot = take_slot(master->socket);

	if (!w || slot < 0 || !(w->soap = soap_copy(master))) {
		srv_log("too many connections, dropping one");
		if (slot >= 0)
			give_slot(slot);
		soap_force_closesock(master);
		free(w);
		return;
	}
	w->slot = slot;
	snprintf(w->peer, sizeof(w->peer), "%.48s:%d", master->host,
		 master->port);
	master->socket = SOAP_INVALID_SOCKET;
	if (spawn(w) != 0) {
		srv_log("cannot start a thread, dropping a connection");
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
		soap_print_fault(soap, stderr);
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
	int port = bound_port(soap);

	if (port < 0)
		return -1;
	srv_log("listening on %s port %d (%s)", cfg->host, port,
		soap->ctx ? "https" : "http");
	snprintf(text, sizeof(text), "%d\n", port);
	if (cfg->port_file && srv_write_file(cfg->port_file, text) != 0) {
		srv_log("cannot write port file %s", cfg->port_file);
		return -1;
	}
	return 0;
}

static void settings(struct soap *soap, const struct listen_config *cfg)
{
	soap->bind_flags = SO_REUSEADDR;
	soap->accept_timeout = 1;
	soap->recv_timeout = IO_TIMEOUT;
	soap->send_timeout = IO_TIMEOUT;
	soap->transfer_timeout = 2 * IO_TIMEOUT;
	soap->recv_maxlength = REQUEST_MAX;
	soap->max_keep_alive = cfg->keep_alive_max;
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
	for (i = 0; i < CONN_MAX; i++)
		if (slot_used[i])
			shutdown(slots[i], SHUT_RDWR);
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

static void accept_loop(struct soap *soap, double deadline)
{
	while (!should_stop(deadline)) {
		if (soap_valid_socket(soap_accept(soap)))
			start_worker(soap);
		else if (soap->errnum)
			srv_debug("accept failed, errno %d", soap->errnum);
	}
}

int listen_run(const struct listen_config *cfg)
{
	struct soap *soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_C_UTFSTRING);
	double deadline = cfg->max_seconds > 0 ?
		srv_now() + cfg->max_seconds : 0;
	int rc = 1;

	if (!soap)
		return 1;
	settings(soap, cfg);
	if (cfg->cert && tls_setup(soap, cfg) != 0)
		goto out;
	if (!soap_valid_socket(soap_bind(soap, cfg->host, cfg->port, 64))) {
		srv_log("cannot listen on %s port %d", cfg->host, cfg->port);
		goto out;
	}
	if (announce(soap, cfg) == 0) {
		accept_loop(soap, deadline);
		rc = 0;
	}
	srv_log("stopping (%s)", srv_stopping ? "signal" : "time limit");
	drain();
out:
	soap_destroy(soap);
	soap_end(soap);
	soap_free(soap);
	return rc;
}
