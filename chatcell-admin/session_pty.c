/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The terminal path: a pseudo-terminal of the chat's own, a small monitor
 * process that leads the pty's session, and the command in the foreground
 * of it. The monitor is there for job control: a process whose parent is
 * in another session is in an orphaned group, and the kernel discards the
 * ^Z (SIGTSTP) the terminal sends it. With the monitor as its parent in
 * the same session, ^Z stops the command; the monitor then stops itself,
 * the relay sees that and stops too, and the caller's shell sees its job
 * stop. On `fg` the relay continues the monitor, which continues the
 * command. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "session_run.h"

bool session_pty_wanted(struct session_pty *p)
{
	static const int order[] = {0, 1, 2};

	p->master = p->slave = p->term_fd = -1;
	p->tty_fds = 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (isatty(order[i])) {
			p->tty_fds |= 1u << order[i];
			if (p->term_fd < 0)
				p->term_fd = order[i];
		}
	return p->tty_fds != 0;
}

int session_pty_open(struct session_pty *p, const struct chat_exec *x)
{
	struct termios modes;
	struct winsize size;

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0 || unlockpt(p->master) < 0) {
		fprintf(stderr, "%s: cannot allocate a terminal for %s: %s\n", x->who, x->pw->pw_name, strerror(errno));
		return -1;
	}
	/* The slave from the master itself: no path under /dev/pts is looked up. */
	p->slave = ioctl(p->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	/* The chat's, in the group devpts gives it (tty), like a login's. */
	if (p->slave < 0 || fchown(p->slave, x->pw->pw_uid, (gid_t)-1) < 0 || fchmod(p->slave, 0620) < 0) {
		fprintf(stderr, "%s: cannot prepare the terminal of %s: %s\n", x->who, x->pw->pw_name, strerror(errno));
		return -1;
	}
	if (tcgetattr(p->term_fd, &modes) == 0)
		tcsetattr(p->slave, TCSANOW, &modes);
	if (ioctl(p->term_fd, TIOCGWINSZ, &size) == 0)
		ioctl(p->slave, TIOCSWINSZ, &size);
	return 0;
}

static volatile pid_t monitored_command;

static void forward_to_command(int sig)
{
	if (monitored_command > 0)
		kill(monitored_command, sig);
}

__attribute__((noreturn)) static void monitor(const struct session_pty *p, const struct chat_exec *x)
{
	struct sigaction forward = {.sa_handler = forward_to_command, .sa_flags = SA_RESTART};
	sigset_t forwarded;
	pid_t command;
	int status;

	if (setsid() < 0 || ioctl(p->slave, TIOCSCTTY, 0) < 0) {
		fprintf(stderr, "%s: cannot give %s its terminal: %s\n", x->who, x->pw->pw_name, strerror(errno));
		_exit(EXIT_SESSION_FAILED);
	}
	for (int fd = 0; fd < 3; fd++)
		if ((p->tty_fds & (1u << fd)) && dup2(p->slave, fd) < 0)
			_exit(EXIT_SESSION_FAILED);
	/* Keep only the chat's terminal: the caller's is gone with the dup2. */
	if ((p->slave > 3 && close_range(3, (unsigned)p->slave - 1, 0) < 0) ||
	    close_range((unsigned)p->slave + 1, ~0U, 0) < 0)
		_exit(EXIT_SESSION_FAILED);
	chat_become(x);
	sigaction(SIGTERM, &forward, NULL);
	sigaction(SIGHUP, &forward, NULL);
	command = chat_spawn_in_foreground(x, p->slave);
	monitored_command = command;
	close(p->slave);
	sigemptyset(&forwarded);
	sigaddset(&forwarded, SIGTERM);
	sigaddset(&forwarded, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &forwarded, NULL); /* pending ones are forwarded now */
	for (;;) {
		if (waitpid(command, &status, WUNTRACED) < 0) {
			if (errno == EINTR)
				continue;
			_exit(EXIT_SESSION_FAILED);
		}
		if (!WIFSTOPPED(status))
			exit_like(status);
		kill(getpid(), SIGSTOP);
		kill(-command, SIGCONT);
	}
}

int session_run_pty(struct session_pty *p, const struct chat_exec *x, int sigfd)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		fprintf(stderr, "%s: cannot fork: %s\n", x->who, strerror(errno));
		return EXIT_SESSION_FAILED;
	}
	if (pid == 0)
		monitor(p, x);
	close(p->slave);
	p->slave = -1;
	status = pty_relay(p, pid, sigfd);
	close(p->master);
	p->master = -1;
	return status < 0 ? EXIT_SESSION_FAILED : exit_status_of(status);
}
