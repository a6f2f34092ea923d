/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cgroup/kill_uid.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/parse_number.h"
#include "base/text_copy.h"

#define MAX_ROUNDS 50
#define EXIT_WAIT_MS 10000
#define MAX_PIDFDS 4096

/* One pass of kill(-1, SIGKILL) as the UID itself. */
static void kill_all_as(uint32_t uid)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (setgroups(0, NULL) == 0 && setresgid(uid, uid, uid) == 0 && setresuid(uid, uid, uid) == 0)
			kill(-1, SIGKILL);
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

/* The "Uid:" line lists real, effective, saved and filesystem UIDs. */
static bool line_has_uid(const char *fields, uint32_t uid)
{
	char copy[128], *save = NULL;

	if (!cc_copy(copy, sizeof(copy), fields))
		return false;
	for (char *tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		uint64_t value;

		if (cc_parse_u64(tok, 0, UINT32_MAX, &value) == 0 && value == uid)
			return true;
	}
	return false;
}

/* Does /proc/<pid>/status show a live process with `uid` as any of its
 * real, effective, saved or filesystem UIDs? */
static bool process_has_uid(int proc_fd, const char *pid, uint32_t uid)
{
	char path[64], buf[4096];
	char *save = NULL;
	bool zombie = false, match = false;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/status", pid);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char state;

		if (sscanf(line, "State: %c", &state) == 1)
			zombie = state == 'Z' || state == 'X';
		if (strncmp(line, "Uid:", 4) == 0)
			match = line_has_uid(line + 4, uid);
	}
	return match && !zombie;
}

/* Kill what is left through pidfds; returns how many were signalled and
 * fills pidfds (caller closes). */
static int kill_stragglers(uint32_t uid, int *pidfds, int *count)
{
	struct dirent *de;
	DIR *proc = opendir("/proc");
	int found = 0;

	*count = 0;
	if (!proc)
		return -1;
	while ((de = readdir(proc))) {
		pid_t pid;
		int pidfd;

		if (!isdigit((unsigned char)de->d_name[0]) || !process_has_uid(dirfd(proc), de->d_name, uid))
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		if (pid == getpid())
			continue;
		found++;
		pidfd = pidfd_open(pid, 0);
		if (pidfd < 0)
			continue; /* it exited meanwhile */
		pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
		if (*count < MAX_PIDFDS)
			pidfds[(*count)++] = pidfd;
		else
			close(pidfd);
	}
	closedir(proc);
	return found;
}

/* A pidfd becomes readable when its process has exited. */
static void wait_for_exit(int *pidfds, int count)
{
	for (int i = 0; i < count; i++) {
		struct pollfd pfd = {.fd = pidfds[i], .events = POLLIN};

		while (poll(&pfd, 1, EXIT_WAIT_MS) < 0 && errno == EINTR)
			;
		close(pidfds[i]);
	}
}

int cc_kill_uid(uint32_t uid, struct cc_err *err)
{
	int *pidfds = malloc(MAX_PIDFDS * sizeof(*pidfds));
	int total = 0;

	if (!pidfds)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "killing the processes of uid %u", uid);
	for (int round = 0; round < MAX_ROUNDS; round++) {
		int count, found;

		kill_all_as(uid);
		found = kill_stragglers(uid, pidfds, &count);
		if (found < 0) {
			free(pidfds);
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot scan /proc for processes of uid %u",
					     uid);
		}
		if (found == 0) {
			free(pidfds);
			return total;
		}
		total += found;
		wait_for_exit(pidfds, count);
	}
	free(pidfds);
	return cc_fail(err, CC_ERR_SYSTEM,
		       "processes of uid %u kept reappearing after %d rounds of SIGKILL; find who starts them "
		       "(a root service logging in the chat?) and retry",
		       uid, MAX_ROUNDS);
}
