/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Giving up a capability for good in the calling process: its effective,
 * permitted, inheritable and ambient sets, and its bounding set where the
 * process may change that (CAP_SETPCAP). No libcap: two system calls. */
#ifndef CHATCELL_SANDBOX_CAPABILITY_H
#define CHATCELL_SANDBOX_CAPABILITY_H

#include "base/error.h"

int cc_capability_drop(int cap, const char *name, struct cc_err *err);

#endif
