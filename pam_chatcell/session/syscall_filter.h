/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The seccomp filter of every chat session: a short list of system calls
 * (or of their arguments) that a chat's processes are refused, installed
 * last in the session and inherited by everything the session starts,
 * across exec (no_new_privs is set before it). Every x86 ABI is covered:
 * a filter that matched only the native one would be bypassed with
 * `int 0x80`. */
#ifndef CHATCELL_SYSCALL_FILTER_H
#define CHATCELL_SYSCALL_FILTER_H

#include "base/error.h"

/* Install the filter on the calling process (all its threads). */
int syscall_filter_install(struct cc_err *err);

#endif
