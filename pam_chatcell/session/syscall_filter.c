/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "syscall_filter.h"

#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>

/* One denied call: the system call, optionally an argument that must match
 * (arg & mask) == value, and the errno the caller gets. A denial returns
 * an error and never kills, so programs degrade instead of crashing. */
struct denial {
	const char *what; /* for the error message */
	int syscall;      /* SCMP_SYS(...) */
	int arg;          /* the argument tested, or NO_ARG */
	uint64_t mask, value;
	int errnum;
};

#define NO_ARG (-1)
/* ioctl's request is an unsigned int: only its low 32 bits are compared,
 * or a request with high bits set would slip past (CVE-2017-5226). */
#define DENY_IOCTL(request) {"ioctl " #request, SCMP_SYS(ioctl), 1, 0xffffffffu, (request), EPERM}

/* Add a line to extend the filter; say why next to it. */
static const struct denial denials[] = {
	/* Pushes bytes into a terminal's input queue: a chat holding the
	 * caller's terminal would type commands into the caller's shell. */
	DENY_IOCTL(TIOCSTI),
	/* Selection paste and console control on virtual consoles: the same
	 * injection through a text console. */
	DENY_IOCTL(TIOCLINUX),
};

/* The non-native ABIs this machine can run, covered like the native one. */
static const uint32_t extra_arches[] = {
#if defined(__x86_64__)
	SCMP_ARCH_X86, SCMP_ARCH_X32,
#elif defined(__aarch64__)
	SCMP_ARCH_ARM,
#endif
	0,
};

static int add_denial(scmp_filter_ctx ctx, const struct denial *d)
{
	if (d->arg == NO_ARG)
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)d->errnum), d->syscall, 0);
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)d->errnum), d->syscall, 1,
				SCMP_CMP((unsigned)d->arg, SCMP_CMP_MASKED_EQ, d->mask, d->value));
}

int syscall_filter_install(struct cc_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = 0;

	if (!ctx)
		return cc_fail(err, CC_ERR_SYSTEM, "cannot prepare the session's system call filter (seccomp_init)");
	/* Level 2 is the seccomp() system call with thread synchronisation. */
	if (seccomp_api_get() < 2) {
		seccomp_release(ctx);
		return cc_fail(err, CC_ERR_SYSTEM,
			       "cannot install the session's system call filter: the kernel refuses seccomp() "
			       "(CONFIG_SECCOMP_FILTER, Linux 3.17 or later, is needed)");
	}
	/* Kernel errors as they are, and the filter on every thread. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (size_t i = 0; rc == 0 && extra_arches[i]; i++) {
		rc = seccomp_arch_add(ctx, extra_arches[i]);
		if (rc == -EEXIST)
			rc = 0;
	}
	if (rc < 0) {
		cc_fail(err, CC_ERR_SYSTEM, "cannot prepare the session's system call filter: %s", strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < sizeof(denials) / sizeof(denials[0]); i++) {
		rc = add_denial(ctx, &denials[i]);
		if (rc < 0) {
			cc_fail(err, CC_ERR_SYSTEM, "cannot add '%s' to the session's system call filter: %s",
				denials[i].what, strerror(-rc));
			goto out;
		}
	}
	rc = seccomp_load(ctx);
	if (rc < 0)
		cc_fail(err, CC_ERR_SYSTEM, "cannot install the session's system call filter (seccomp): %s",
			strerror(-rc));
out:
	seccomp_release(ctx);
	return rc < 0 ? -1 : 0;
}
