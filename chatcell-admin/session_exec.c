/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session_exec.h"

#include <errno.h>
#include <grp.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void chat_become(const struct chat_exec *x)
{
	const struct passwd *pw = x->pw;
	char **pam_env = pam_getenvlist(x->pamh);
	const char *term = getenv("TERM");
	char term_copy[128] = "";

	if (term && strlen(term) < sizeof(term_copy))
		memcpy(term_copy, term, strlen(term) + 1);
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "%s: cannot switch to %s: %s\n", x->who, pw->pw_name, strerror(errno));
		_exit(EXIT_SESSION_FAILED);
	}
	/* The caller's environment stays with the caller. */
	if (clearenv() != 0)
		_exit(EXIT_SESSION_FAILED);
	setenv("HOME", pw->pw_dir, 1);
	setenv("USER", pw->pw_name, 1);
	setenv("LOGNAME", pw->pw_name, 1);
	setenv("SHELL", pw->pw_shell, 1);
	if (term_copy[0])
		setenv("TERM", term_copy, 1);
	for (char **e = pam_env; e && *e; e++)
		putenv(*e); /* the session's PATH and markers win */
	if (chdir(pw->pw_dir) < 0) {
		fprintf(stderr, "%s: cannot enter %s: %s\n", x->who, pw->pw_dir, strerror(errno));
		_exit(EXIT_SESSION_FAILED);
	}
}

/* The program and argv of the command: the command line, or the login
 * shell as "-bash". */
struct command {
	const char *path;
	char *const *argv;
	bool search_path;
	char arg0[64];
	char *shell_argv[2];
};

static void command_of(const struct chat_exec *x, struct command *c)
{
	if (x->login_shell) {
		const char *base = strrchr(x->pw->pw_shell, '/');

		snprintf(c->arg0, sizeof(c->arg0), "-%s", base ? base + 1 : x->pw->pw_shell);
		c->shell_argv[0] = c->arg0;
		c->shell_argv[1] = NULL;
		c->path = x->pw->pw_shell;
		c->argv = c->shell_argv;
		c->search_path = false;
	} else {
		c->path = x->argv[0];
		c->argv = x->argv;
		c->search_path = true;
	}
}

__attribute__((noreturn)) static void cannot_run(const struct chat_exec *x, const struct command *c, int err)
{
	fprintf(stderr, "%s: cannot run %s: %s\n", x->who, c->path, strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

void chat_exec_command(const struct chat_exec *x)
{
	struct command c;

	command_of(x, &c);
	/* Nothing the caller or a PAM module had open reaches the chat: a
	 * root-only file, the caller's terminal, a registry handle. */
	if (close_range(3, ~0U, 0) < 0) {
		fprintf(stderr, "%s: cannot close inherited descriptors: %s\n", x->who, strerror(errno));
		_exit(EXIT_SESSION_FAILED);
	}
	sigprocmask(SIG_SETMASK, &x->caller_mask, NULL);
	if (c.search_path)
		execvp(c.path, c.argv);
	else
		execv(c.path, c.argv);
	cannot_run(x, &c, errno);
}

pid_t chat_spawn_in_foreground(const struct chat_exec *x, int tty)
{
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attr;
	sigset_t defaults;
	struct command c;
	pid_t pid;
	int rc;

	command_of(x, &c);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGHUP);
	if (posix_spawnattr_init(&attr) != 0 || posix_spawn_file_actions_init(&actions) != 0)
		_exit(EXIT_SESSION_FAILED);
	rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (rc == 0)
		rc = posix_spawnattr_setsigmask(&attr, &x->caller_mask);
	if (rc == 0)
		rc = posix_spawnattr_setsigdefault(&attr, &defaults);
	if (rc == 0)
		rc = posix_spawn_file_actions_addtcsetpgrp_np(&actions, tty);
	if (rc == 0)
		rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
	if (rc != 0) {
		fprintf(stderr, "%s: cannot prepare the command: %s\n", x->who, strerror(rc));
		_exit(EXIT_SESSION_FAILED);
	}
	rc = c.search_path ? posix_spawnp(&pid, c.path, &actions, &attr, c.argv, environ)
			   : posix_spawn(&pid, c.path, &actions, &attr, c.argv, environ);
	if (rc != 0)
		cannot_run(x, &c, rc);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	return pid;
}

int exit_status_of(int wait_status)
{
	if (WIFEXITED(wait_status))
		return WEXITSTATUS(wait_status);
	if (WIFSIGNALED(wait_status))
		return 128 + WTERMSIG(wait_status);
	return EXIT_SESSION_FAILED;
}

void exit_like(int wait_status)
{
	if (WIFSIGNALED(wait_status)) {
		int sig = WTERMSIG(wait_status);
		sigset_t only;

		signal(sig, SIG_DFL);
		sigemptyset(&only);
		sigaddset(&only, sig);
		sigprocmask(SIG_UNBLOCK, &only, NULL);
		raise(sig);
	}
	_exit(exit_status_of(wait_status));
}
