/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session_exec.h"

#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* envp[0..*n) with "NAME=..." set to `entry` (taken), replacing one of the
 * same name: what setenv and putenv would leave. */
static void env_put(char **envp, size_t *n, char *entry)
{
	size_t name_len = strcspn(entry, "=");

	for (size_t i = 0; i < *n; i++)
		if (strncmp(envp[i], entry, name_len + 1) == 0) {
			free(envp[i]);
			envp[i] = entry;
			return;
		}
	envp[(*n)++] = entry;
}

static int prepare_env(struct chat_exec *x)
{
	const struct passwd *pw = x->pw;
	const char *term = getenv("TERM");
	char **pam_env = pam_getenvlist(x->pamh);
	size_t pam_count = 0, n = 0;
	int rc = 0;

	while (pam_env && pam_env[pam_count])
		pam_count++;
	x->envp = calloc(pam_count + 6, sizeof(*x->envp));
	if (!x->envp)
		rc = -1;
	else {
		const char *base[][2] = {{"HOME", pw->pw_dir},     {"USER", pw->pw_name}, {"LOGNAME", pw->pw_name},
					 {"SHELL", pw->pw_shell}, {"TERM", term}};

		for (size_t i = 0; i < sizeof(base) / sizeof(base[0]) && rc == 0; i++) {
			char *entry;

			if (!base[i][1] || (i == 4 && strlen(base[i][1]) >= 128))
				continue; /* no TERM, or no sane one */
			if (asprintf(&entry, "%s=%s", base[i][0], base[i][1]) < 0)
				rc = -1;
			else
				env_put(x->envp, &n, entry);
		}
	}
	/* The session's PATH and markers win. */
	for (size_t i = 0; i < pam_count; i++) {
		if (rc == 0 && strchr(pam_env[i], '='))
			env_put(x->envp, &n, pam_env[i]);
		else
			free(pam_env[i]);
	}
	free(pam_env);
	return rc;
}

static int prepare_groups(struct chat_exec *x)
{
	int count = 16;

	for (;;) {
		gid_t *groups = calloc((size_t)count, sizeof(*groups));
		int got = count;

		if (!groups)
			return -1;
		if (getgrouplist(x->pw->pw_name, x->pw->pw_gid, groups, &got) >= 0) {
			x->groups = groups;
			x->group_count = got;
			return 0;
		}
		free(groups);
		if (got <= count) {
			errno = EINVAL;
			return -1;
		}
		count = got;
	}
}

int chat_prepare(struct chat_exec *x)
{
	if (prepare_groups(x) < 0) {
		fprintf(stderr, "%s: cannot list the groups of %s: %s\n", x->who, x->pw->pw_name, strerror(errno));
		return -1;
	}
	if (prepare_env(x) < 0) {
		fprintf(stderr, "%s: out of memory\n", x->who);
		return -1;
	}
	return 0;
}

void chat_prepared_free(struct chat_exec *x)
{
	for (char **e = x->envp; e && *e; e++)
		free(*e);
	free(x->envp);
	free(x->groups);
	x->envp = NULL;
	x->groups = NULL;
}

void chat_become(const struct chat_exec *x)
{
	const struct passwd *pw = x->pw;

	if (setgroups((size_t)x->group_count, x->groups) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "%s: cannot switch to %s: %s\n", x->who, pw->pw_name, strerror(errno));
		_exit(EXIT_SESSION_FAILED);
	}
	/* The caller's environment stays with the caller. */
	environ = x->envp;
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

/* The status of a command that could not be run, as env(1) gives it. */
static inline int not_run_status(int err)
{
	return err == ENOENT ? 127 : 126;
}

/* Says why the command did not run; returns its status. */
static int report_not_run(const struct chat_exec *x, const struct command *c, int err)
{
	fprintf(stderr, "%s: cannot run %s: %s\n", x->who, c->path, strerror(err));
	return not_run_status(err);
}

/* What chat_launch's child found, for its parent to report. */
enum launch_step { LAUNCH_OK, LAUNCH_SESSION, LAUNCH_SWITCH, LAUNCH_HOME, LAUNCH_FDS, LAUNCH_EXEC };

struct launch {
	const struct chat_exec *x;
	struct command c;
	uint64_t handled; /* bit n: signal n has a handler in this process */
	enum launch_step failed;
	int err;
};

/* The IDs in full on every architecture: the 32-bit ones' plain setuid
 * and setgroups take 16-bit IDs, which would cut a chat's UID short. */
#ifdef SYS_setresuid32
#define RAW_SETGROUPS SYS_setgroups32
#define RAW_SETRESGID SYS_setresgid32
#define RAW_SETRESUID SYS_setresuid32
#else
#define RAW_SETGROUPS SYS_setgroups
#define RAW_SETRESGID SYS_setresgid
#define RAW_SETRESUID SYS_setresuid
#endif

/* The child of chat_launch. It runs in this process's memory until its
 * exec (CLONE_VM | CLONE_VFORK, as posix_spawn does), so it makes system
 * calls only and writes nothing but l->failed and l->err: no allocation, no
 * stdio, no sanitizer bookkeeping, and raw ID calls (glibc's would act for
 * every thread of the parent). It starts with every signal blocked and
 * drops this process's handlers first: once it has the chat's UID the
 * chat's processes may signal it, and a handler must not run on this
 * process's memory. (A chat that stops it before its exec holds up only
 * its own `run`, as stopping the command itself would.) */
__attribute__((noinline, no_sanitize("address"))) static int launch_child(void *arg)
{
	/* All zero is SIG_DFL, no flags, an empty mask in every layout of the
	 * kernel's struct sigaction. */
	static const unsigned long default_action[8];
	struct launch *l = arg;
	const struct chat_exec *x = l->x;
	const struct passwd *pw = x->pw;

	for (int sig = 1; sig < 64; sig++)
		if (l->handled & (UINT64_C(1) << sig))
			syscall(SYS_rt_sigaction, sig, default_action, NULL, (size_t)(_NSIG / 8));
	/* A session of its own: no controlling terminal, so /dev/tty opens
	 * nothing of the caller's. */
	if (setsid() < 0)
		l->failed = LAUNCH_SESSION;
	else if (syscall(RAW_SETGROUPS, (long)x->group_count, x->groups) < 0 ||
		 syscall(RAW_SETRESGID, (long)pw->pw_gid, (long)pw->pw_gid, (long)pw->pw_gid) < 0 ||
		 syscall(RAW_SETRESUID, (long)pw->pw_uid, (long)pw->pw_uid, (long)pw->pw_uid) < 0)
		l->failed = LAUNCH_SWITCH;
	else if (chdir(pw->pw_dir) < 0)
		l->failed = LAUNCH_HOME;
	/* Nothing the caller or a PAM module had open reaches the chat: a
	 * root-only file, the caller's terminal, a registry handle. */
	else if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0)
		l->failed = LAUNCH_FDS;
	else {
		/* execvp searches the chat's PATH, in the environment it gets;
		 * the parent puts its own environ back. */
		environ = x->envp;
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &x->caller_mask, NULL, (size_t)(_NSIG / 8));
		if (l->c.search_path)
			execvp(l->c.path, l->c.argv);
		else
			execv(l->c.path, l->c.argv);
		l->failed = LAUNCH_EXEC;
	}
	l->err = errno;
	syscall(SYS_exit_group, l->failed == LAUNCH_EXEC ? not_run_status(l->err) : EXIT_SESSION_FAILED);
	__builtin_unreachable();
}

/* The signals this process has a handler for. */
static uint64_t handled_signals(void)
{
	uint64_t handled = 0;

	for (int sig = 1; sig < 64; sig++) {
		struct sigaction sa;

		if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL &&
		    sa.sa_handler != SIG_IGN)
			handled |= UINT64_C(1) << sig;
	}
	return handled;
}

/* The child's stack: room for execvp's copy of the argument vector (a
 * script without "#!" runs through /bin/sh) and its path buffer, above a
 * page that faults rather than run into another mapping. */
static size_t launch_stack_size(const struct command *c)
{
	size_t argc = 0, page = (size_t)sysconf(_SC_PAGESIZE);

	while (c->argv[argc])
		argc++;
	return ((argc + 3) * sizeof(char *) + ((size_t)64 << 10) + page - 1) / page * page + page;
}

static int launch_failed(const struct launch *l)
{
	const struct chat_exec *x = l->x;
	const char *why = strerror(l->err);

	switch (l->failed) {
	case LAUNCH_SESSION:
		fprintf(stderr, "%s: cannot give the command a session of its own: %s\n", x->who, why);
		break;
	case LAUNCH_SWITCH:
		fprintf(stderr, "%s: cannot switch to %s: %s\n", x->who, x->pw->pw_name, why);
		break;
	case LAUNCH_HOME:
		fprintf(stderr, "%s: cannot enter %s: %s\n", x->who, x->pw->pw_dir, why);
		break;
	case LAUNCH_FDS:
		fprintf(stderr, "%s: cannot close inherited descriptors: %s\n", x->who, why);
		break;
	case LAUNCH_EXEC:
	case LAUNCH_OK:
		return report_not_run(x, &l->c, l->err);
	}
	return EXIT_SESSION_FAILED;
}

pid_t chat_launch(const struct chat_exec *x, int *failed_status)
{
	struct launch l = {.x = x};
	char **caller_environ = environ;
	sigset_t all, mask;
	size_t size;
	char *stack;
	pid_t pid;

	command_of(x, &l.c);
	l.handled = handled_signals();
	*failed_status = EXIT_SESSION_FAILED;
	size = launch_stack_size(&l.c);
	stack = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED || mprotect(stack, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE) < 0) {
		fprintf(stderr, "%s: cannot start the command: %s\n", x->who, strerror(errno));
		if (stack != MAP_FAILED)
			munmap(stack, size);
		return -1;
	}
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &mask);
	pid = clone(launch_child, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, &l);
	environ = caller_environ;
	sigprocmask(SIG_SETMASK, &mask, NULL);
	munmap(stack, size);
	if (pid < 0) {
		fprintf(stderr, "%s: cannot start the command: %s\n", x->who, strerror(errno));
		return -1;
	}
	if (l.failed == LAUNCH_OK)
		return pid;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	*failed_status = launch_failed(&l);
	return -1;
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
		_exit(report_not_run(x, &c, rc));
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
