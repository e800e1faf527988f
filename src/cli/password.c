/* password.c - the password from a file, the environment or the terminal */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

#define LINE_TOO_LONG (-2)
#define LINE_HAS_NUL (-3)

/*
 * The first line of fd into buf, without its CR/LF. Read a byte at a
 * time with read(2): stdio would keep a copy of the password in a buffer
 * nobody wipes. A NUL would silently cut the password short, so it is
 * refused. Returns the length, -1 with errno, LINE_TOO_LONG or
 * LINE_HAS_NUL.
 */
static ssize_t read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t got;
	char c;

	while ((got = read(fd, &c, 1)) == 1 && c != '\n') {
		if (n + 1 == size)
			return LINE_TOO_LONG;
		if (c == '\0')
			return LINE_HAS_NUL;
		buf[n++] = c;
	}
	if (got < 0)
		return -1;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (ssize_t)n;
}

/* Editors on Windows may begin a file with one; it is not a character
 * of the password. */
static ssize_t strip_bom(char *buf, ssize_t n)
{
	if (n < 3 || memcmp(buf, "\xef\xbb\xbf", 3) != 0)
		return n;
	memmove(buf, buf + 3, (size_t)n - 2);
	return n - 3;
}

/*
 * An empty password would only fail, and each failure counts toward
 * the account's lockout: refuse it before anything is sent.
 */
static int line_error(const struct cli *cli, ssize_t n, const char *from)
{
	if (n == LINE_TOO_LONG)
		return cli_usage(cli, "the password from %s is longer than %d "
				 "bytes", from, CLI_PASSWORD_MAX - 1);
	if (n == LINE_HAS_NUL)
		return cli_usage(cli, "the password from %s holds a NUL byte",
				 from);
	if (n == 0)
		return cli_usage(cli, "the password from %s is empty", from);
	return 0;
}

static int read_password_file(struct cli *cli, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return cli_usage(cli, "cannot open the password file %s: %s",
				 path, strerror(errno));
	n = read_line(fd, cli->password, sizeof cli->password);
	err = errno;
	close(fd);
	if (n == -1)
		return cli_usage(cli, "cannot read the password file %s: %s",
				 path, strerror(err));
	if (n > 0)
		n = strip_bom(cli->password, n);
	return line_error(cli, n, path);
}

/* With echo off; the terminal is restored on every path. */
static ssize_t read_quietly(int fd, char *buf, size_t size)
{
	struct termios old, quiet;
	ssize_t n;

	if (tcgetattr(fd, &old) != 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
		return -1;
	n = read_line(fd, buf, size);
	tcsetattr(fd, TCSAFLUSH, &old);
	return n;
}

/*
 * Interrupts are caught so that ^C at the prompt restores the echo
 * before the program ends.
 */
static int prompt_password(struct cli *cli)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return cli_usage(cli, "cannot open /dev/tty to ask for the "
				 "password: %s", strerror(errno));
	dprintf(fd, "Password for %s: ", cli->user);
	cli_signals_catch();
	n = read_quietly(fd, cli->password, sizeof cli->password);
	cli_signals_default();
	if (n < 0 && cli_interrupted())
		dprintf(fd, "\n");
	close(fd);

	if (cli_interrupted())
		return cli_error(cli, cli_cancel_exit(), "canceled",
				 "interrupted");
	if (n == -1)
		return cli_usage(cli, "cannot read the password from the "
				 "terminal");
	return line_error(cli, n, "the terminal");
}

/* Never from argv: the command line of a process is public. */
int cli_read_password(struct cli *cli)
{
	const char *env = getenv("UMWS_PASSWORD");

	if (cli->auth == UMWS_AUTH_NONE)
		return 0;
	if (cli->password_file)
		return read_password_file(cli, cli->password_file);
	if (env && *env) {
		if (strlen(env) >= sizeof cli->password)
			return cli_usage(cli, "UMWS_PASSWORD is longer than "
					 "%d bytes", CLI_PASSWORD_MAX - 1);
		strcpy(cli->password, env);
		return 0;
	}
	if (isatty(STDIN_FILENO))
		return prompt_password(cli);
	return cli_usage(cli, "no password: pass --password-file FILE, set "
			 "UMWS_PASSWORD or run on a terminal");
}
