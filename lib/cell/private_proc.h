/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A fresh procfs instance over /proc in the cell's mount namespace,
 * with hidepid=invisible: a chat sees only its own processes. The host's
 * /proc keeps its options (options are per instance since Linux 5.8; an
 * older kernel is refused, not silently weakened). */
#ifndef CHATCELL_PRIVATE_PROC_H
#define CHATCELL_PRIVATE_PROC_H

#include <sys/types.h>

#include "base/error.h"

/* see_all_gid: the group whose members see every process of the cell
 * (gid=), or (gid_t)-1. */
int cc_mount_private_proc(gid_t see_all_gid, struct cc_err *err);

#endif
