/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcell-keeper: PID 1 of a chat's cell (see lib/cell/cell.h). Started
 * by the cell's starter once the cell's namespaces and mounts are made,
 * with the cell record on descriptor 3 (its lock is the sign that the cell
 * runs) and the starter's report pipe on descriptor 4. It reaps the
 * orphans the kernel hands it, and ends the cell when no other process has
 * been in it for IDLE_SECONDS (0: never). Its death ends every process of
 * the cell.
 *
 *   chatcell-keeper IDLE_SECONDS */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPORT_FD 4
#define READY "+"
/* How often an idle cell is looked at, at most. */
#define CHECK_MAX_SECONDS 60

/* Is this process the only one in the cell? Its /proc is the cell's. */
static bool alone(void)
{
	DIR *proc = opendir("/proc");
	const struct dirent *de;
	bool only = true;

	if (!proc)
		return false;
	while (only && (de = readdir(proc)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9' && strcmp(de->d_name, "1") != 0)
			only = false;
	closedir(proc);
	return only;
}

static int idle_timer(unsigned idle)
{
	unsigned every = idle < CHECK_MAX_SECONDS * 4 ? (idle + 3) / 4 : CHECK_MAX_SECONDS;
	struct itimerspec period = {{every, 0}, {every, 0}};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

	if (fd >= 0 && timerfd_settime(fd, 0, &period, NULL) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Why the keeper cannot start, told to its starter (who refuses the login
 * with it); returns the exit status. */
static int fail(const char *what)
{
	char msg[200];
	int len = snprintf(msg, sizeof(msg), "chatcell-keeper cannot %s: %s", what, strerror(errno));

	if (len > 0)
		(void)!write(REPORT_FD, msg, (size_t)len < sizeof(msg) ? (size_t)len : sizeof(msg) - 1);
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long idle = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	struct pollfd fds[2] = {{.fd = -1, .events = POLLIN}, {.fd = -1, .events = POLLIN}};
	time_t idle_since = 0;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0)
		return fail("block SIGCHLD (sigprocmask)");
	fds[0].fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fds[0].fd < 0)
		return fail("create its signal descriptor (signalfd)");
	if (idle > 0) {
		fds[1].fd = idle_timer((unsigned)idle);
		if (fds[1].fd < 0)
			return fail("create its idle timer (timerfd)");
	}
	if (write(REPORT_FD, READY, strlen(READY)) != (ssize_t)strlen(READY))
		return 1;
	close(REPORT_FD);
	for (;;) {
		struct signalfd_siginfo si;
		uint64_t ticks;

		if (poll(fds, idle > 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return 1;
		while (read(fds[0].fd, &si, sizeof(si)) > 0)
			;
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (idle == 0 || !(fds[1].revents & POLLIN) || read(fds[1].fd, &ticks, sizeof(ticks)) < 0)
			continue;
		if (!alone()) {
			idle_since = 0;
		} else {
			time_t now = time(NULL);

			if (!idle_since)
				idle_since = now;
			else if (now - idle_since >= (time_t)idle)
				return 0; /* idle long enough: the cell ends with this process */
		}
	}
}
