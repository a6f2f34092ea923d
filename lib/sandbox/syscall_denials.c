/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sandbox/syscall_denials.h"

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>

/* One denied call: the system call, up to two argument tests that must
 * all hold, and the errno the caller gets. */
struct denial {
	const char *what; /* for the error message */
	int syscall;      /* SCMP_SYS(...) */
	unsigned tests;
	struct scmp_arg_cmp test[2];
	int errnum;
	bool any_but_query; /* personality: every value with bit 31 set but the query (add_bit31) */
};

#define ARG_MASKED(n, mask, value) {.arg = (n), .op = SCMP_CMP_MASKED_EQ, .datum_a = (mask), .datum_b = (value)}
/* An int argument: the kernel reads its low 32 bits only, so only those
 * are compared (a value with high bits set would otherwise slip past). */
#define ARG_INT_EQ(n, value) ARG_MASKED(n, 0xffffffffu, (value))
#define ARG_NE(n, value) {.arg = (n), .op = SCMP_CMP_NE, .datum_a = (value)}
#define DENY(name) {.what = #name, .syscall = SCMP_SYS(name), .errnum = EPERM}
/* ioctl's request is an unsigned int: only its low 32 bits are compared,
 * or a request with high bits set would slip past (CVE-2017-5226). */
#define DENY_IOCTL(request)                                                                                  \
	{.what = "ioctl " #request, .syscall = SCMP_SYS(ioctl), .tests = 1,                                  \
	 .test = {ARG_MASKED(1, 0xffffffffu, (request))}, .errnum = EPERM}
#define DENY_FLAG(name, n, flag)                                                                             \
	{.what = #name " " #flag, .syscall = SCMP_SYS(name), .tests = 1, .test = {ARG_MASKED(n, (flag), (flag))}, \
	 .errnum = EPERM}
/* A persona flag, unless bit 31 is set (see PERSONA_BIT31). */
#define DENY_PERSONA(flag)                                                                                   \
	{.what = "personality " #flag, .syscall = SCMP_SYS(personality), .tests = 1,                        \
	 .test = {ARG_MASKED(0, (flag) | PERSONA_BIT31, (flag))}, .errnum = EPERM}
#define PERSONA_BIT31 0x80000000u

#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_GET_PERSISTENT 22

/* Add a line to extend the filter; say why next to it. */
static const struct denial denials[] = {
	/* Pushes bytes into a terminal's input queue: a chat holding the
	 * caller's terminal would type commands into the caller's shell. */
	DENY_IOCTL(TIOCSTI),
	/* Selection paste and console control on virtual consoles: the same
	 * injection through a text console. */
	DENY_IOCTL(TIOCLINUX),
	/* A line discipline other than the terminal's own makes the kernel
	 * load its module on demand (ldisc_autoload): n_hdlc's CVE-2017-2636
	 * was reached this way. No shell needs another. */
	DENY_IOCTL(TIOCSETD),
	/* A user namespace gives a full capability set inside it, and with it
	 * the kernel code behind those capabilities (most local kernel
	 * exploits start there). */
	DENY_FLAG(unshare, 0, CLONE_NEWUSER),
	DENY_FLAG(clone, 0, CLONE_NEWUSER),
	/* clone3's flags live in memory a filter cannot read: ENOSYS makes
	 * libc fall back to clone, which is filtered (as systemd does). */
	{.what = "clone3", .syscall = SCMP_SYS(clone3), .errnum = ENOSYS},
	/* io_uring performs system calls this filter never sees. */
	DENY(io_uring_setup), DENY(io_uring_enter), DENY(io_uring_register),
	/* Kernel attack surface with no use in a chat's shell. */
	DENY(bpf), DENY(perf_event_open), DENY(userfaultfd),
	/* Watching a whole mount or file system, which unprivileged users may
	 * do since Linux 5.13: names and access times of files Landlock
	 * refuses to open. */
	DENY(fanotify_init),
	/* Root's business (refused by capabilities too; refused here first). */
	DENY(kexec_load), DENY(kexec_file_load), DENY(init_module), DENY(finit_module), DENY(delete_module),
	DENY(swapon), DENY(swapoff), DENY(reboot),
	/* Keyrings beyond the chat's own: joining a named keyring (another
	 * UID's, if its permissions let anyone search it), and the persistent
	 * keyring of a UID. An anonymous session keyring stays allowed. */
	{.what = "keyctl JOIN_SESSION_KEYRING by name", .syscall = SCMP_SYS(keyctl), .tests = 2,
	 .test = {ARG_INT_EQ(0, KEYCTL_JOIN_SESSION_KEYRING), ARG_NE(1, 0)}, .errnum = EPERM},
	{.what = "keyctl GET_PERSISTENT", .syscall = SCMP_SYS(keyctl), .tests = 1,
	 .test = {ARG_INT_EQ(0, KEYCTL_GET_PERSISTENT)}, .errnum = EPERM},
	/* A key that is not there makes the kernel run /sbin/request-key as
	 * root in the host's namespaces: with keyutils installed (nfs-common
	 * and cifs-utils bring it), a dns_resolver key is a DNS lookup on the
	 * host, past the DNS gate, its answer in the key. */
	DENY(request_key),
	/* Personas that weaken address space layout randomisation or make
	 * data executable; the kernel checks no flag, so a value with bit 31
	 * set would carry them too: only the query (0xffffffff, every bit
	 * set) may have it. */
	DENY_PERSONA(ADDR_NO_RANDOMIZE), DENY_PERSONA(ADDR_COMPAT_LAYOUT), DENY_PERSONA(READ_IMPLIES_EXEC),
	DENY_PERSONA(MMAP_PAGE_ZERO),
	{.what = "personality with bit 31", .syscall = SCMP_SYS(personality), .errnum = EPERM, .any_but_query = true},
};

/* Denials compiled for the native ABI only: added before the 32-bit ABIs
 * are, as libseccomp would otherwise turn a test of socket()'s family into
 * a refusal of every socketcall(SYS_SOCKET) on i386, whose arguments a
 * filter cannot read (every 32-bit program would lose its sockets). With
 * syscalls_32bit = allow a 32-bit program still reaches these through
 * socketcall; the default refuses 32-bit system calls altogether. */
static const struct denial native_denials[] = {
	/* vsock reaches the hypervisor and virtual machines, and its ports are
	 * one space for the whole host: the kernel keeps it in no network
	 * namespace, so neither the cell's network nor its egress table
	 * applies (one cell could squat a port another, or the host, needs). */
	{.what = "socket AF_VSOCK", .syscall = SCMP_SYS(socket), .tests = 1, .test = {ARG_INT_EQ(0, AF_VSOCK)},
	 .errnum = EAFNOSUPPORT},
};

/* The non-native ABIs this machine can run. */
static const uint32_t extra_arches[] = {
#if defined(__x86_64__)
	SCMP_ARCH_X86, SCMP_ARCH_X32,
#elif defined(__aarch64__)
	SCMP_ARCH_ARM,
#endif
	0,
};

/* A rule tests an argument once: "bit 31 set, and not the query" is one
 * rule per other bit that is clear. */
static int add_bit31(scmp_filter_ctx ctx, const struct denial *d)
{
	for (unsigned bit = 0; bit < 31; bit++) {
		struct scmp_arg_cmp test = ARG_MASKED(0, PERSONA_BIT31 | 1u << bit, PERSONA_BIT31);
		int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO((uint32_t)d->errnum), d->syscall, 1, &test);

		if (rc < 0)
			return rc;
	}
	return 0;
}

static int add_denial(scmp_filter_ctx ctx, const struct denial *d)
{
	if (d->any_but_query)
		return add_bit31(ctx, d);
	return seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO((uint32_t)d->errnum), d->syscall, d->tests, d->test);
}

/* Filtered like the native ABI, or refused as a whole. */
static int add_arches(scmp_filter_ctx ctx, bool allow_32bit)
{
	int rc = 0;

	if (!allow_32bit)
		return seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
	for (size_t i = 0; rc == 0 && extra_arches[i]; i++) {
		rc = seccomp_arch_add(ctx, extra_arches[i]);
		if (rc == -EEXIST)
			rc = 0;
	}
	return rc;
}

int cc_syscall_denials_add(scmp_filter_ctx ctx, bool allow_32bit, const char **what)
{
	int rc;

	for (size_t i = 0; i < sizeof(native_denials) / sizeof(native_denials[0]); i++) {
		*what = native_denials[i].what;
		rc = add_denial(ctx, &native_denials[i]);
		if (rc < 0)
			return rc;
	}
	*what = "the ABIs";
	rc = add_arches(ctx, allow_32bit);
	for (size_t i = 0; rc == 0 && i < sizeof(denials) / sizeof(denials[0]); i++) {
		*what = denials[i].what;
		rc = add_denial(ctx, &denials[i]);
	}
	return rc;
}
