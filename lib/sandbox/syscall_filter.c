/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sandbox/syscall_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/syscall_filter_bpf.h"

#define PROGRAM(insns) {.len = sizeof(insns) / sizeof((insns)[0]), .filter = (struct sock_filter *)(insns)}

int cc_syscall_filter_install(const struct cc_config *config, struct cc_err *err)
{
	struct sock_fprog program = PROGRAM(cc_filter_deny_32bit);
	long rc;

	if (config->syscalls_32bit)
		program = (struct sock_fprog)PROGRAM(cc_filter_allow_32bit);
	rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &program);
	if (rc == 0)
		return 0;
	if (rc > 0)
		return cc_fail(err, CC_ERR_SYSTEM,
			       "cannot install the session's system call filter: thread %ld of the login cannot take it",
			       rc);
	if (errno == ENOSYS || errno == EINVAL || errno == EPERM)
		return cc_fail(err, CC_ERR_SYSTEM,
			       "cannot install the session's system call filter: the kernel refuses seccomp() "
			       "(CONFIG_SECCOMP_FILTER, Linux 3.17 or later, is needed)");
	return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot install the session's system call filter (seccomp)");
}
