/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The filesystem and kernel half of each lifecycle step. The registry half
 * commits first with `pending` set while the chat's work lock is held; this
 * half then runs, and clears `pending` when done. Every step is idempotent,
 * so a step abandoned by a crash is simply run again by the next
 * chatcell-admin (see recovery.h). */
#ifndef CHATCELL_LIFECYCLE_H
#define CHATCELL_LIFECYCLE_H

#include "admin.h"

/* Run the unfinished part of chat->pending, then clear it. The caller holds
 * the chat's work lock. A failure says what state the chat is left in and
 * that the next chatcell-admin command goes on with it. */
int lifecycle_finish(struct admin *a, struct cc_chat *chat);

/* Publish the NSS view entries of a chat that is set up, if they are
 * missing (someone deleted them, or the whole view). */
int lifecycle_republish(struct admin *a, const struct cc_chat *chat);

/* End the chat's cell, if one runs, and take the logins noted in its
 * record into the registry. Suspend and delete do this under the chat's
 * work lock before they commit: a running cell is what lets a login in
 * without reading the registry (pam_chatcell(8)), so no cell may outlive
 * the chat's active state, not even by a crash between the two steps. */
int lifecycle_end_cell(struct admin *a, const struct cc_chat *chat);

/* Put the chat's effective limits on its cgroup (creating it). */
int lifecycle_apply_limits(struct admin *a, const struct cc_chat *chat);

/* ensure --start: the chat's cell, started now if none runs (the first
 * login would start it otherwise). Takes the chat's work lock. */
int lifecycle_start_cell(struct admin *a, const struct cc_chat *chat);

#endif
