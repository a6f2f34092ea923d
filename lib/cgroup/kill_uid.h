/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Ending every process of a chat UID, for suspend and delete. A helper that
 * takes the UID sends kill(-1, SIGKILL), which the kernel delivers to all of
 * that UID's processes in one pass, so a fork bomb cannot outrun it; root
 * then scans /proc, kills stragglers through pidfds and waits on the pidfds
 * until every process is gone. */
#ifndef CHATCELL_KILL_UID_H
#define CHATCELL_KILL_UID_H

#include <stdint.h>

#include "base/error.h"

/* Returns the number of processes found (0 if none), or -1. */
int cc_kill_uid(uint32_t uid, struct cc_err *err);

#endif
