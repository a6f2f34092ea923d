/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp filter of every chat session: the denials of
 * syscall_denials.c, compiled when chatcell is built, installed last in
 * the session with one seccomp() call and inherited by everything the
 * session starts, across exec (no_new_privs is set before it). Every denial answers an errno and never
 * kills, so programs degrade instead of crashing. The 32-bit x86 ABIs
 * (`int 0x80`, x32) are refused as a whole (EPERM), or, with
 * syscalls_32bit = allow, filtered like the native one: a filter that
 * matched only the native ABI would be bypassed through them. */
#ifndef CHATCELL_SANDBOX_SYSCALL_FILTER_H
#define CHATCELL_SANDBOX_SYSCALL_FILTER_H

#include "base/error.h"
#include "config/conf.h"

/* Install the filter on the calling process (all its threads). */
int cc_syscall_filter_install(const struct cc_config *config, struct cc_err *err);

#endif
