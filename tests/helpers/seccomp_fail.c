/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Make one system call fail with a chosen errno for a command and all it
 * starts (su, runuser, sshd...), to test that a step that fails in the
 * kernel fails closed. Root installs the filter without no_new_privs, so
 * setuid programs still run.
 *
 *   seccomp_fail SYSCALL ERRNO COMMAND [ARGS...]
 *   SYSCALL: unshare fsopen fsconfig fsmount open_tree move_mount mount_setattr seccomp fsync
 *            clone3 setns pidfd_open landlock_create_ruleset
 *   ERRNO:   EPERM EINVAL ENOSYS ENOSPC EIO EOPNOTSUPP */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	long nr;
} syscalls[] = {
	{"unshare", SYS_unshare},     {"fsopen", SYS_fsopen},         {"fsconfig", SYS_fsconfig},
	{"fsmount", SYS_fsmount},     {"open_tree", SYS_open_tree},   {"move_mount", SYS_move_mount},
	{"mount_setattr", SYS_mount_setattr}, {"seccomp", SYS_seccomp}, {"fsync", SYS_fsync}, {"clone3", SYS_clone3}, {"setns", SYS_setns},
	{"pidfd_open", SYS_pidfd_open}, {"landlock_create_ruleset", SYS_landlock_create_ruleset},
};

static const struct {
	const char *name;
	int value;
} errnos[] = {{"EPERM", EPERM}, {"EINVAL", EINVAL}, {"ENOSYS", ENOSYS}, {"ENOSPC", ENOSPC}, {"EIO", EIO},
	      {"EOPNOTSUPP", EOPNOTSUPP}};

int main(int argc, char **argv)
{
	long nr = -1;
	int err = -1;

	for (size_t i = 0; argc > 3 && i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
		if (strcmp(argv[1], syscalls[i].name) == 0)
			nr = syscalls[i].nr;
	for (size_t i = 0; argc > 3 && i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(argv[2], errnos[i].name) == 0)
			err = errnos[i].value;
	if (nr < 0 || err < 0) {
		fprintf(stderr, "usage: %s SYSCALL ERRNO COMMAND [ARGS...]\n", argv[0]);
		return 2;
	}
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(filter) / sizeof(filter[0]), filter};

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("seccomp_fail: PR_SET_SECCOMP");
		return 1;
	}
	execvp(argv[3], argv + 3);
	perror("seccomp_fail: exec");
	return 127;
}
