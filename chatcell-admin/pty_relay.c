/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bytes between the caller's terminal and the master of the chat's pty.
 * The caller's keyboard is read in raw mode (the chat's terminal does the
 * line editing, ^C and ^Z), its window size follows the caller's, and when
 * the command ends what it wrote is drained and the master is closed: the
 * chat's terminal hangs up, and nothing the chat left running can reach
 * the caller's terminal, which it never had. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "session_run.h"

struct buffer {
	char data[4096];
	size_t len;
};

struct relay {
	struct session_pty *pty;
	pid_t monitor;
	int out_fd;      /* where the chat's terminal output goes */
	bool keyboard;   /* the caller's stdin is a terminal: relay it */
	bool raw;        /* and it is in raw mode now */
	bool master_eof; /* no chat process has its terminal open */
	struct termios saved;
	struct buffer to_chat, to_caller;
};

static void caller_raw(struct relay *r)
{
	struct termios raw;

	if (!r->keyboard || tcgetattr(STDIN_FILENO, &r->saved) < 0)
		return;
	raw = r->saved;
	cfmakeraw(&raw);
	r->raw = tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) == 0;
}

static void caller_restore(struct relay *r)
{
	if (r->raw)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &r->saved);
	r->raw = false;
}

static void follow_window_size(const struct relay *r)
{
	struct winsize size;

	if (ioctl(r->pty->term_fd, TIOCGWINSZ, &size) == 0)
		ioctl(r->pty->master, TIOCSWINSZ, &size);
}

/* The command stopped (^Z): stop with it, so the caller's shell gets its
 * terminal back; when continued, continue it. */
static void suspend_with_command(struct relay *r)
{
	caller_restore(r);
	kill(getpid(), SIGSTOP);
	caller_raw(r);
	follow_window_size(r);
	kill(r->monitor, SIGCONT);
}

/* Returns true once the monitor has exited (its status in *status). */
static bool handle_signals(struct relay *r, int sigfd, int *status)
{
	struct signalfd_siginfo si;
	bool ended = false;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;

		switch (sig) {
		case SIGCHLD:
			if (waitpid(r->monitor, status, WNOHANG | WUNTRACED) == r->monitor) {
				if (WIFSTOPPED(*status))
					suspend_with_command(r);
				else
					ended = true;
			}
			break;
		case SIGWINCH:
			follow_window_size(r);
			break;
		case SIGINT:
		case SIGQUIT:
		case SIGTSTP:
			/* As the chat's terminal would send them: to its foreground
			 * job, by the kernel (TIOCSIG), which holds the group itself.
			 * Not kill(-tcgetpgrp()): the chat sets that group, and a
			 * group it let die keeps its number on the terminal, which
			 * the kernel may give to any process of the host's since
			 * (this runs as root, in the host's PID namespace). */
			ioctl(r->pty->master, TIOCSIG, sig);
			break;
		default: /* SIGTERM, SIGHUP: the monitor passes them to the command */
			kill(r->monitor, sig);
			break;
		}
	}
	return ended;
}

/* Move what is buffered, or read more; false on the end of that side. */
static bool fill(int fd, struct buffer *b)
{
	ssize_t n = read(fd, b->data + b->len, sizeof(b->data) - b->len);

	if (n > 0)
		b->len += (size_t)n;
	return n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN));
}

static bool flush(int fd, struct buffer *b)
{
	ssize_t n = write(fd, b->data, b->len);

	if (n > 0) {
		memmove(b->data, b->data + n, b->len - (size_t)n);
		b->len -= (size_t)n;
	}
	if (n < 0 && errno != EINTR && errno != EAGAIN) {
		b->len = 0; /* the other side is gone: drop what it cannot take */
		return false;
	}
	return true;
}

/* What the command wrote before it ended, as far as it is there now (a
 * process left running keeps writing; its output is not waited for). */
static void drain(struct relay *r)
{
	for (;;) {
		if (r->to_caller.len && !flush(r->out_fd, &r->to_caller))
			return;
		if (r->to_caller.len)
			continue;
		if (r->master_eof || !fill(r->pty->master, &r->to_caller) || r->to_caller.len == 0)
			return;
	}
}

static int first_terminal_for_output(unsigned tty_fds)
{
	static const int order[] = {STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (tty_fds & (1u << order[i]))
			return order[i];
	return STDOUT_FILENO;
}

int pty_relay(struct session_pty *pty, pid_t monitor, int sigfd)
{
	struct relay r = {.pty = pty, .monitor = monitor, .out_fd = first_terminal_for_output(pty->tty_fds)};
	int status = 0;

	r.keyboard = (pty->tty_fds & 1u) != 0;
	signal(SIGPIPE, SIG_IGN);
	if (fcntl(pty->master, F_SETFL, O_NONBLOCK) < 0)
		return -1;
	caller_raw(&r);
	for (;;) {
		struct pollfd fds[4] = {{.fd = sigfd, .events = POLLIN}};
		nfds_t n = 1;
		int master_at = -1, keyboard_at = -1, out_at = -1;

		if (!r.master_eof) {
			master_at = (int)n;
			fds[n++] = (struct pollfd){
				.fd = pty->master,
				.events = (short)((r.to_caller.len < sizeof(r.to_caller.data) ? POLLIN : 0) |
						  (r.to_chat.len ? POLLOUT : 0))};
		}
		if (r.keyboard && r.to_chat.len < sizeof(r.to_chat.data)) {
			keyboard_at = (int)n;
			fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		}
		if (r.to_caller.len) {
			out_at = (int)n;
			fds[n++] = (struct pollfd){.fd = r.out_fd, .events = POLLOUT};
		}
		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			kill(monitor, SIGHUP);
			waitpid(monitor, &status, 0);
			status = -1;
			break;
		}
		if ((fds[0].revents & POLLIN) && handle_signals(&r, sigfd, &status))
			break;
		if (keyboard_at >= 0 && fds[keyboard_at].revents && !fill(STDIN_FILENO, &r.to_chat)) {
			/* The caller's terminal hung up: so does the chat's command. */
			r.keyboard = false;
			kill(monitor, SIGHUP);
		}
		if (master_at >= 0 && (fds[master_at].revents & POLLOUT) && !flush(pty->master, &r.to_chat))
			r.to_chat.len = 0;
		if (master_at >= 0 && (fds[master_at].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    !fill(pty->master, &r.to_caller))
			r.master_eof = true; /* EIO: every chat descriptor on it is closed */
		if (out_at >= 0 && fds[out_at].revents)
			flush(r.out_fd, &r.to_caller);
	}
	if (status >= 0)
		drain(&r);
	caller_restore(&r);
	return status;
}
