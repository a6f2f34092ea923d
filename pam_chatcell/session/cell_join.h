/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A login into the chat's running cell, the common path, without the
 * registry. A running cell is proof that the chat is active: cells are
 * started for active chats only, and `suspend` and `delete` end the cell
 * under the chat's work lock before they commit (chatcell-admin's
 * lifecycle_end_cell). The steps, under the same work lock:
 *   1. the cell found running, with the chat's name in its record
 *   2. chatcell's egress table present (if not, the start path rebuilds it)
 *   3. this process into the cell's cgroup (or scope): the limits are the
 *      ones the cell was started with and `limits` changed since
 *   4. this process into the cell's namespaces (cc_cell_join)
 *   5. PATH, umask, core dumps, no_new_privs; the system call filter
 *   6. the lock released, the login noted in the cell record
 * A failure in 3-5 refuses the session, as the start path does. */
#ifndef CHATCELL_CELL_JOIN_H
#define CHATCELL_CELL_JOIN_H

#include <security/pam_modules.h>

#include "chat_user.h"

/* 1 joined; 0 no running cell of this chat, or its egress table is gone:
 * the start path (libchatcell-session-start.so) takes over; -1 refused,
 * the reason in cu->err. */
int cell_join_session(pam_handle_t *pamh, struct chat_user *cu);

/* The account stage: 1 the chat has a running cell (so it is active), 0
 * not known without the registry, -1 error (cu->err). */
int cell_join_running(struct chat_user *cu);

#endif
