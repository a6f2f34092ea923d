/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Make one system call fail with a chosen errno for a command and all it
 * starts (su, runuser, sshd...), to test that a step that fails in the
 * kernel fails closed. Root installs the filter without no_new_privs, so
 * setuid programs still run.
 *
 *   seccomp_fail SYSCALL[:ARG=VALUE] ERRNO|KILL COMMAND [ARGS...]
 *   SYSCALL: unshare fsopen fsconfig fsmount open_tree move_mount mount_setattr seccomp fsync
 *            clone3 setns pidfd_open sethostname signalfd4 landlock_create_ruleset keyctl write
 *            pwrite64
 *   :ARG=VALUE: only calls whose argument ARG (0-5) is VALUE (a number, 0x for hex), so that
 *            one of several calls of the same system call fails
 *   ERRNO:   EPERM EINVAL ENOSYS ENOSPC EIO EOPNOTSUPP EDQUOT
 *   KILL:    the process making the call is killed with SIGKILL instead (a crash without a
 *            core dump): the filter hands the call over (a user notification) to this program,
 *            which stays the command's parent, kills the caller and exits with the command's
 *            status; it says on stderr whom it killed, and at a call on which
 *            descriptor when the call's first argument is one */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	const char *name;
	long nr;
} syscalls[] = {
	{"unshare", SYS_unshare},     {"fsopen", SYS_fsopen},         {"fsconfig", SYS_fsconfig},
	{"fsmount", SYS_fsmount},     {"open_tree", SYS_open_tree},   {"move_mount", SYS_move_mount},
	{"mount_setattr", SYS_mount_setattr}, {"seccomp", SYS_seccomp}, {"fsync", SYS_fsync}, {"clone3", SYS_clone3}, {"setns", SYS_setns},
	{"pidfd_open", SYS_pidfd_open}, {"sethostname", SYS_sethostname}, {"signalfd4", SYS_signalfd4},
	{"landlock_create_ruleset", SYS_landlock_create_ruleset}, {"keyctl", SYS_keyctl}, {"write", SYS_write},
	{"pwrite64", SYS_pwrite64},
};

static const struct {
	const char *name;
	int value;
} errnos[] = {{"EPERM", EPERM}, {"EINVAL", EINVAL}, {"ENOSYS", ENOSYS}, {"ENOSPC", ENOSPC}, {"EIO", EIO},
	      {"EOPNOTSUPP", EOPNOTSUPP}, {"EDQUOT", EDQUOT}};

#define ARG_LOW(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HIGH(i) (ARG_LOW(i) + 4)

/* Says whom KILL kills, and, when the call's first argument is one of
 * its descriptors, what that descriptor is (so a test can tell which of
 * several calls of the same system call was the one). */
static void say_killed(const struct seccomp_notif *req)
{
	char link[64], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%u/fd/%llu", req->pid, (unsigned long long)req->data.args[0]);
	n = readlink(link, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		fprintf(stderr, "seccomp_fail: killed process %u at a call on %s\n", req->pid, target);
	} else {
		fprintf(stderr, "seccomp_fail: killed process %u\n", req->pid);
	}
}

/* For KILL: the command runs in a child that installs the filter and
 * hands its listener over (pidfd_getfd); this process, unfiltered, stays
 * the command's parent and ends every caller the filter reports. Returns
 * the command's exit status (128 + signal if it was killed). */
static int run_killing(const struct sock_fprog *prog, char **command)
{
	int to_parent[2], to_child[2], listener = -1, pidfd, status;
	struct pollfd fds[2];
	pid_t child;
	char go = 'g';

	if (pipe(to_parent) < 0 || pipe(to_child) < 0) {
		perror("seccomp_fail: pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("seccomp_fail: fork");
		return 1;
	}
	if (child == 0) {
		int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);

		if (fd < 0) {
			perror("seccomp_fail: seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER)");
			_exit(1);
		}
		if (write(to_parent[1], &fd, sizeof(fd)) != sizeof(fd) || read(to_child[0], &go, 1) != 1)
			_exit(1);
		close(fd);
		close(to_parent[1]);
		close(to_child[0]);
		execvp(command[0], command);
		perror("seccomp_fail: exec");
		_exit(127);
	}
	close(to_parent[1]);
	close(to_child[0]);
	pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (pidfd >= 0 && read(to_parent[0], &status, sizeof(status)) == sizeof(status))
		listener = (int)syscall(SYS_pidfd_getfd, pidfd, status, 0);
	if (listener < 0 || write(to_child[1], &go, 1) != 1) {
		perror("seccomp_fail: cannot take the filter's listener");
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return 1;
	}
	fds[0] = (struct pollfd){.fd = listener, .events = POLLIN};
	fds[1] = (struct pollfd){.fd = pidfd, .events = POLLIN};
	while (!(fds[1].revents & POLLIN)) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("seccomp_fail: poll");
			return 1;
		}
		if (fds[0].revents & POLLIN) {
			struct seccomp_notif req;
			struct seccomp_notif_resp resp;

			memset(&req, 0, sizeof(req));
			if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
				say_killed(&req);
				kill((pid_t)req.pid, SIGKILL);
				/* The caller is gone; the answer only frees the request. */
				resp = (struct seccomp_notif_resp){.id = req.id, .error = -EPERM};
				ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
			}
		} else if (fds[0].revents & (POLLHUP | POLLERR)) {
			fds[0].fd = -1; /* no filtered process is left */
		}
	}
	if (waitpid(child, &status, 0) < 0) {
		perror("seccomp_fail: waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	char name[32] = "";
	const char *match = NULL;
	unsigned long long value = 0;
	long nr = -1, arg = -1;
	int err = -1;
	bool kill_caller = argc > 3 && strcmp(argv[2], "KILL") == 0;

	if (argc > 3) {
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(argv[1], ":"), argv[1]);
		match = strchr(argv[1], ':');
	}
	if (match) {
		char *end;

		arg = strtol(match + 1, &end, 10);
		if (*end == '=' && end[1])
			value = strtoull(end + 1, &end, 0);
		if (*end || arg < 0 || arg > 5)
			arg = -2;
	}
	for (size_t i = 0; argc > 3 && i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
		if (strcmp(name, syscalls[i].name) == 0)
			nr = syscalls[i].nr;
	for (size_t i = 0; argc > 3 && i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(argv[2], errnos[i].name) == 0)
			err = errnos[i].value;
	if (nr < 0 || (err < 0 && !kill_caller) || arg == -2) {
		fprintf(stderr, "usage: %s SYSCALL[:ARG=VALUE] ERRNO|KILL COMMAND [ARGS...]\n", argv[0]);
		return 2;
	}

	/* Jumps to the last instruction (allow) are filled in below. */
	struct sock_filter filter[16];
	unsigned n = 0;

	filter[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 0);
	filter[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 0);
	if (arg >= 0) {
		filter[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)ARG_LOW(arg));
		filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)value, 0, 0);
		filter[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)ARG_HIGH(arg));
		filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(value >> 32), 0, 0);
	}
	filter[n++] = (struct sock_filter)BPF_STMT(
		BPF_RET | BPF_K, kill_caller ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA));
	filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	for (unsigned i = 0; i < n; i++)
		if (BPF_CLASS(filter[i].code) == BPF_JMP)
			filter[i].jf = (unsigned char)(n - 1 - (i + 1));
	struct sock_fprog prog = {(unsigned short)n, filter};

	if (!kill_caller) {
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
			perror("seccomp_fail: PR_SET_SECCOMP");
			return 1;
		}
		execvp(argv[3], argv + 3);
		perror("seccomp_fail: exec");
		return 127;
	}

	return run_killing(&prog, argv + 3);
}
