/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session_run.h"

int session_signals_take(struct chat_exec *x)
{
	sigset_t handled;
	int fd;

	sigemptyset(&handled);
	sigaddset(&handled, SIGCHLD);
	sigaddset(&handled, SIGWINCH);
	sigaddset(&handled, SIGINT);
	sigaddset(&handled, SIGQUIT);
	sigaddset(&handled, SIGTSTP);
	sigaddset(&handled, SIGTERM);
	sigaddset(&handled, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &handled, &x->caller_mask) < 0)
		return -1;
	fd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		sigprocmask(SIG_SETMASK, &x->caller_mask, NULL);
	return fd;
}

/* Stop the command with us (^Z on a caller with no terminal on its
 * descriptors): its group is orphaned in its own session, so only SIGSTOP
 * stops it. */
static void stop_together(pid_t child)
{
	kill(-child, SIGSTOP);
	kill(getpid(), SIGSTOP);
	kill(-child, SIGCONT);
}

int session_run_plain(const struct chat_exec *x, int sigfd)
{
	int status;
	pid_t child = chat_launch(x, &status);

	if (child < 0)
		return status;
	for (;;) {
		struct signalfd_siginfo si;
		struct pollfd signals = {.fd = sigfd, .events = POLLIN};

		if (poll(&signals, 1, -1) < 0 && errno != EINTR)
			break;
		while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			int sig = (int)si.ssi_signo;

			if (sig == SIGCHLD && waitpid(child, &status, WNOHANG) == child)
				return exit_status_of(status);
			if (sig == SIGINT || sig == SIGQUIT)
				kill(-child, sig); /* as the terminal sends them: to the whole job */
			else if (sig == SIGTERM || sig == SIGHUP)
				kill(child, sig);
			else if (sig == SIGTSTP)
				stop_together(child);
		}
	}
	fprintf(stderr, "%s: cannot wait for the command: %s\n", x->who, strerror(errno));
	return EXIT_SESSION_FAILED;
}
