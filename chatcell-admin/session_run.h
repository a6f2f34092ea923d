/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The two ways chatcell-session runs the chat's command once the PAM
 * session is open. Both put the command in a session of its own, so it
 * never has the caller's controlling terminal, and forward the caller's
 * signals to it; both return the command's exit status.
 *
 * Plain: none of the caller's stdin, stdout and stderr is a terminal. The
 * command gets them as they are (a bot reading its stdout sees the same
 * bytes), and nothing else.
 *
 * Terminal: at least one of them is a terminal. The command gets a
 * pseudo-terminal of its own in their place and chatcell-session relays
 * between it and the caller's terminal (as `su --pty`, sudo's use_pty and
 * `systemd-run --pty` do), with the window size and ^C, ^Z, SIGTERM and
 * SIGHUP passed on. The chat never holds the caller's terminal, so nothing
 * it leaves running can type into it (TIOCSTI) or read from it later. */
#ifndef CHATCELL_SESSION_RUN_H
#define CHATCELL_SESSION_RUN_H

#include <stdbool.h>

#include "session_exec.h"

/* The signals the waiting side handles, blocked and read from the
 * returned signalfd (the caller's mask is saved in x->caller_mask), and
 * SIGCHLD at its default (the caller's disposition saved too). */
int session_signals_take(struct chat_exec *x);

/* The caller's SIGCHLD disposition and signal mask back. */
void session_signals_give_back(const struct chat_exec *x);

int session_run_plain(const struct chat_exec *x, int sigfd);

struct session_pty {
	int master, slave;
	int term_fd;      /* the caller's terminal: the first of 0, 1, 2 that is one */
	unsigned tty_fds; /* bit n: the caller's fd n is a terminal */
};

/* Is any of the caller's stdin, stdout and stderr a terminal? */
bool session_pty_wanted(struct session_pty *p);

/* A new pseudo-terminal owned by the chat (mode 0620, group tty) with the
 * caller's terminal modes and window size, from the chat's cell (after the
 * PAM session has joined it), so `tty` names it inside the cell. */
int session_pty_open(struct session_pty *p, const struct chat_exec *x);

int session_run_pty(struct session_pty *p, const struct chat_exec *x, int sigfd);

/* The relay between the caller's terminal and the pty's master, until the
 * monitor (the command's parent in its session) exits; returns its wait
 * status. */
int pty_relay(struct session_pty *p, pid_t monitor, int sigfd);

#endif
