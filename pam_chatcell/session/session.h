/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A chat's session, set up in this order before the shell starts:
 *   1. the chat's work lock taken (the one chatcell-admin takes to suspend,
 *      delete or change limits; waiting at most 10 s) and the chat read
 *      again under it: still active, with the limits of the last change
 *   2. the chat's cell (lib/cell/cell.h): the running one, or a new one
 *      whose keeper is placed in the chat's cgroup and builds the cell's
 *      mounts (its /tmp, /var/tmp, /dev/shm, /proc with hidepid, ptys,
 *      message queues, /run/lock, hidden login records, its cgroup view)
 *   3. this process in the chat's cgroup (cgroupfs) or in the cell's
 *      scope in the chat's slice (systemd), with the chat's limits
 *   4. this process into the cell: its mount, IPC, UTS and cgroup
 *      namespaces, and the cell's PID namespace for what it starts
 *   5. the chat's egress allowlist present in the kernel (the whole table
 *      rebuilt from the registry if it vanished)
 *   6. PATH, umask, resource limits, no_new_privs
 *   7. the system call filter and the Landlock ruleset (lib/sandbox),
 *      last: they cannot be undone
 *   8. the lock released, the login noted in the cell's record
 *      (bookkeeping never delays a login)
 * If any of 1-7 fails the session is refused, and what can be taken back is:
 * the process returns to its own namespaces, and a cell this login started
 * is ended (nothing of it remains). A process already moved into the chat's
 * cgroup stays there: it is the chat's own login, it exits as the refusal
 * reaches it, and leaving it in the limits is the safe side. */
#ifndef CHATCELL_SESSION_H
#define CHATCELL_SESSION_H

#include <security/pam_modules.h>

#include "chat_user.h"

/* Returns PAM_SUCCESS or PAM_SESSION_ERR; the reason is in cu->err. */
int session_open(pam_handle_t *pamh, struct chat_user *cu, struct cc_registry *reg);

#endif
