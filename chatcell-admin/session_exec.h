/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a process of chatcell-session does to become the chat's command:
 * the steps shared by the plain (pipes) and the terminal (pty) paths. */
#ifndef CHATCELL_SESSION_EXEC_H
#define CHATCELL_SESSION_EXEC_H

#include <pwd.h>
#include <security/pam_appl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#define EXIT_SESSION_FAILED 125

struct chat_exec {
	const char *who; /* the command the caller ran, for messages */
	pam_handle_t *pamh;
	const struct passwd *pw;
	char **argv; /* the command, or NULL for a login shell */
	bool login_shell;
	sigset_t caller_mask; /* restored before exec */
};

/* Switch to the chat's groups, GID and UID, take the session's environment
 * (HOME, USER, LOGNAME, SHELL, TERM, then what PAM set) and enter its
 * home. Exits EXIT_SESSION_FAILED on failure. */
void chat_become(const struct chat_exec *x);

/* Close every descriptor above 2, restore the caller's signal mask and
 * exec the command or login shell. Never returns (126/127 as env(1)). */
void chat_exec_command(const struct chat_exec *x) __attribute__((noreturn));

/* Start the command in a process group of its own, the foreground group
 * of `tty`, with the caller's signal mask, SIGTERM and SIGHUP at their
 * defaults and no descriptor above 2 (posix_spawn: no copy of this
 * process's page tables). Exits 126/127 if it cannot be run. */
pid_t chat_spawn_in_foreground(const struct chat_exec *x, int tty);

/* A wait status as an exit status: the code, or 128 + the signal. */
int exit_status_of(int wait_status);

/* Die the way a wait status says (a signal, or an exit code). */
void exit_like(int wait_status) __attribute__((noreturn));

#endif
