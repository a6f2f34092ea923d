/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The system calls (or their arguments) that chat sessions are refused:
 * one table in syscall_denials.c, one line and one reason per entry. Used
 * when chatcell is built: filter_gen compiles the table with libseccomp
 * into the BPF programs that syscall_filter.c installs at each login (so
 * a login pays one seccomp() call, not libseccomp's compilation). */
#ifndef CHATCELL_SANDBOX_SYSCALL_DENIALS_H
#define CHATCELL_SANDBOX_SYSCALL_DENIALS_H

#include <seccomp.h>
#include <stdbool.h>

/* Add every denial to `ctx` (made with SCMP_ACT_ALLOW), with the 32-bit
 * x86 ABIs refused as a whole (EPERM) or, with allow_32bit, filtered like
 * the native one. 0, or a negative errno with *what naming the entry. */
int cc_syscall_denials_add(scmp_filter_ctx ctx, bool allow_32bit, const char **what);

#endif
