/* umws-server: the users file and each user's UM properties.
 *
 * A line is DOMAIN:user:password, optionally followed by ":disabled"
 * for a mailbox that is not enabled for Unified Messaging. Blank lines
 * and lines starting with '#' are skipped. Names match without regard
 * to case, as Active Directory does. A file the server could not use
 * as meant (not a regular file, a bad or repeated line, no user at
 * all) stops it at startup rather than leaving it locked. */
#include "server.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define USERS_MAX 256
#define DISABLED_SUFFIX ":disabled"

struct srv_user {
	char domain[128];
	char name[128];
	char password[256];
	char label[260];
	int disabled;
	struct srv_props props;
};

static struct srv_user users[USERS_MAX];
static size_t nusers;
static struct srv_user anonymous = {
	.name = "anonymous", .label = "anonymous",
	.props = { .missed_call_notification = 1 }
};
/* One lock for every user's properties: writes are rare and tiny. */
static pthread_mutex_t props_lock = PTHREAD_MUTEX_INITIALIZER;

static int copy_field(char *dst, size_t cap, const char *src, size_t len)
{
	if (len == 0 || len >= cap)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/* 0 when a whole line was read; a line longer than the buffer is an
 * error, not two lines. */
static int strip_eol(char *line, FILE *f)
{
	size_t n = strlen(line);

	if (n > 0 && line[n - 1] != '\n' && !feof(f))
		return -1;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return 0;
}

static int parse_line(char *line, struct srv_user *u)
{
	char *c1 = strchr(line, ':'), *c2;
	char label[sizeof(u->label)];
	size_t n, sl = strlen(DISABLED_SUFFIX);

	if (!c1 || !(c2 = strchr(c1 + 1, ':')))
		return -1;
	n = strlen(c2 + 1);
	if (n > sl && !strcmp(c2 + 1 + n - sl, DISABLED_SUFFIX)) {
		u->disabled = 1;
		c2[1 + n - sl] = '\0';
	}
	if (copy_field(u->domain, sizeof(u->domain), line, c1 - line) ||
	    copy_field(u->name, sizeof(u->name), c1 + 1, c2 - c1 - 1) ||
	    copy_field(u->password, sizeof(u->password), c2 + 1,
		       strlen(c2 + 1)))
		return -1;
	snprintf(label, sizeof(label), "%s\\%s", u->domain, u->name);
	memcpy(u->label, label, sizeof(label));
	u->props.missed_call_notification = 1;
	return 0;
}

static const struct srv_user *find_exact(const struct srv_user *u)
{
	size_t i;

	for (i = 0; i < nusers; i++)
		if (!strcasecmp(users[i].domain, u->domain) &&
		    !strcasecmp(users[i].name, u->name))
			return &users[i];
	return NULL;
}

/* One line into users[nusers]; NULL, or what is wrong with it. */
static const char *add_line(char *line, FILE *f)
{
	struct srv_user *u = &users[nusers];

	if (strip_eol(line, f) != 0)
		return "line too long";
	if (line[0] == '\0' || line[0] == '#')
		return NULL;
	if (nusers == USERS_MAX)
		return "too many users (the limit is 256)";
	if (parse_line(line, u) != 0) {
		memset(u, 0, sizeof(*u));
		return "expected DOMAIN:user:password[:disabled]";
	}
	if (find_exact(u)) {
		memset(u, 0, sizeof(*u));
		return "user listed twice";
	}
	nusers++;
	return NULL;
}

static FILE *open_regular(const char *path, char *why, size_t whylen)
{
	struct stat st;
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(why, whylen, "cannot read users file %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "users file %s is not a regular file",
			 path);
		fclose(f);
		return NULL;
	}
	return f;
}

/* 0, or -1 with a one-line reason in why. */
int users_load(const char *path, char *why, size_t whylen)
{
	char line[1024];
	unsigned lineno = 0;
	const char *bad = NULL;
	FILE *f;

	why[0] = '\0';
	f = open_regular(path, why, whylen);
	if (!f)
		return -1;
	while (!bad && fgets(line, sizeof(line), f)) {
		lineno++;
		bad = add_line(line, f);
	}
	if (bad)
		snprintf(why, whylen, "users file %s, line %u: %s", path,
			 lineno, bad);
	else if (ferror(f))
		snprintf(why, whylen, "cannot read users file %s: %s", path,
			 strerror(errno));
	else if (nusers == 0)
		snprintf(why, whylen, "users file %s lists no user", path);
	fclose(f);
	return bad || nusers == 0 || *why ? -1 : 0;
}

const struct srv_user *users_anonymous(void)
{
	return &anonymous;
}

/* An empty domain matches a name that is unique across domains. */
const struct srv_user *users_find(const char *domain, const char *name)
{
	const struct srv_user *hit = NULL;
	size_t i;

	for (i = 0; i < nusers; i++) {
		if (strcasecmp(users[i].name, name))
			continue;
		if (*domain && !strcasecmp(users[i].domain, domain))
			return &users[i];
		if (!*domain) {
			if (hit)
				return NULL;
			hit = &users[i];
		}
	}
	return hit;
}

/* A UPN's DNS domain (dom.example.com) stands for the NetBIOS domain
 * named by its first label (DOM), as on a default AD install. */
static const struct srv_user *find_upn(const char *login, const char *at)
{
	char name[128], dom[128];
	size_t n = at - login;
	const char *dot;
	const struct srv_user *u;

	if (n == 0 || n >= sizeof(name) || strlen(at + 1) >= sizeof(dom))
		return NULL;
	memcpy(name, login, n);
	name[n] = '\0';
	strcpy(dom, at + 1);
	u = users_find(dom, name);
	dot = strchr(dom, '.');
	if (!u && dot) {
		dom[dot - dom] = '\0';
		u = users_find(dom, name);
	}
	return u;
}

/* DOMAIN\user, user@domain or a bare user name. */
const struct srv_user *users_find_login(const char *login)
{
	const char *bs = strchr(login, '\\'), *at = strrchr(login, '@');
	char dom[128];
	size_t n;

	if (bs) {
		n = bs - login;
		if (n >= sizeof(dom))
			return NULL;
		memcpy(dom, login, n);
		dom[n] = '\0';
		return users_find(dom, bs + 1);
	}
	if (at)
		return find_upn(login, at);
	return users_find("", login);
}

const char *users_password(const struct srv_user *u)
{
	return u->password;
}

const char *users_label(const struct srv_user *u)
{
	return u ? u->label : "-";
}

int users_disabled(const struct srv_user *u)
{
	return u->disabled;
}

const char *users_first_domain(void)
{
	return nusers ? users[0].domain : NULL;
}

void users_get_props(const struct srv_user *u, struct srv_props *out)
{
	pthread_mutex_lock(&props_lock);
	*out = u->props;
	pthread_mutex_unlock(&props_lock);
}

/* The table is the owner; callers hold const pointers into it. */
static struct srv_props *props_of(const struct srv_user *u)
{
	return &((struct srv_user *)u)->props;
}

void users_set_oof(const struct srv_user *u, int on)
{
	pthread_mutex_lock(&props_lock);
	props_of(u)->oof = on;
	pthread_mutex_unlock(&props_lock);
}

void users_set_missed(const struct srv_user *u, int on)
{
	pthread_mutex_lock(&props_lock);
	props_of(u)->missed_call_notification = on;
	pthread_mutex_unlock(&props_lock);
}

void users_set_dial_string(const struct srv_user *u, const char *s)
{
	struct srv_props *p = props_of(u);

	pthread_mutex_lock(&props_lock);
	snprintf(p->dial_string, sizeof(p->dial_string), "%s", s);
	pthread_mutex_unlock(&props_lock);
}

void users_set_folder(const struct srv_user *u, const char *s)
{
	struct srv_props *p = props_of(u);

	pthread_mutex_lock(&props_lock);
	snprintf(p->folder_id, sizeof(p->folder_id), "%s", s);
	pthread_mutex_unlock(&props_lock);
}
