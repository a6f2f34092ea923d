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
	/* With SIGCHLD ignored (a caller may ignore it, and exec keeps that)
	 * the kernel reaps the command itself and sends no SIGCHLD: the wait
	 * would never end and the status would be lost. The default while the
	 * session waits, and for the command too (as a fresh login has). */
	if (sigaction(SIGCHLD, &(struct sigaction){.sa_handler = SIG_DFL}, &x->caller_sigchld) < 0)
		return -1;
	if (sigprocmask(SIG_BLOCK, &handled, &x->caller_mask) < 0) {
		sigaction(SIGCHLD, &x->caller_sigchld, NULL);
		return -1;
	}
	fd = signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		session_signals_give_back(x);
	return fd;
}

void session_signals_give_back(const struct chat_exec *x)
{
	sigaction(SIGCHLD, &x->caller_sigchld, NULL);
	sigprocmask(SIG_SETMASK, &x->caller_mask, NULL);
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
