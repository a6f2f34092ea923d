/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Room kept for stopping chats on a full disk: `init` sets aside 1 MiB
 * in the state directory (a root-only file), and `suspend` and
 * `delete` give it back to the filesystem when the registry's disk is full,
 * so the admin can always stop a chat, whoever filled the disk. `init`
 * sets it aside again once there is room. */
#ifndef CHATCELL_DISK_RESERVE_H
#define CHATCELL_DISK_RESERVE_H

#include "base/error.h"

#define DISK_RESERVE_FILE "reserve"
#define DISK_RESERVE_BYTES (1u << 20)

/* Make the reserve if it is missing (init). Returns 1 if it was made, 0 if
 * it was there, -1 on error (err says why; nothing is left half made). */
int disk_reserve_make(int state_fd, struct cc_err *err);

/* When half the reserve's size cannot be allocated on the state
 * directory's filesystem, remove the reserve and say so on stderr. */
void disk_reserve_release_if_full(int state_fd);

#endif
