/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the session does to become the chat's command: the steps shared by
 * the plain (pipes) and the terminal (pty) paths. The chat's groups and
 * environment are worked out before the fork (chat_prepare), so the child
 * makes system calls only: no NSS lookup or allocation in a copy of the
 * session's memory. */
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
	struct sigaction caller_sigchld; /* restored once the command ended */
	/* From chat_prepare: */
	gid_t *groups;
	int group_count;
	char **envp; /* HOME, USER, LOGNAME, SHELL, the caller's TERM, then the session's */
};

/* Work out the chat's groups and environment, once the PAM session is
 * open. 0, or -1 after printing why. chat_prepared_free releases them. */
int chat_prepare(struct chat_exec *x);
void chat_prepared_free(struct chat_exec *x);

/* Switch to the chat's groups, GID and UID, take the session's environment
 * (HOME, USER, LOGNAME, SHELL, TERM, then what PAM set) and enter its
 * home. Exits EXIT_SESSION_FAILED on failure. */
void chat_become(const struct chat_exec *x);

/* Start the command, or the login shell, as the chat in a session of its
 * own, with the chat's groups, IDs, environment and home, the caller's
 * signal mask and no descriptor above 2, without copying this process's
 * memory (CLONE_VM | CLONE_VFORK). Its PID, or -1 after printing why with
 * *failed_status set: 125, or 126/127 when it cannot be run or is not
 * found (as env(1)). */
pid_t chat_launch(const struct chat_exec *x, int *failed_status);

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
