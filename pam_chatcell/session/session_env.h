/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The last session steps: what the chat's shell inherits. PATH is the
 * shims directory (then path_append), umask 077, the resource limits of
 * chatcell.conf (open files, processes, locked memory, core dumps),
 * no_new_privs, so no setuid or file-capability binary runs with more than
 * the chat's own rights (and no socket of a chat process carries uid 0
 * past the egress rules), then Landlock and the seccomp filter.
 * CHATCELL_SESSION names the chat for the shell's profile and for
 * chatcell-admin run, which refuses a session without it.
 *
 * su, runuser and sshd open the session in their own process and fork the
 * shell after it, so all of this binds their logout work too: the logout
 * is noted through a descriptor opened before Landlock (session_note_logout),
 * and the utmp and wtmp they write are /dev/null in the cell, which the
 * ruleset allows. */
#ifndef CHATCELL_SESSION_ENV_H
#define CHATCELL_SESSION_ENV_H

#include <security/pam_modules.h>
#include <stdint.h>

#include "base/error.h"
#include "cell/cell.h"
#include "config/conf.h"

/* Who the session is for, and the cell it joined. */
struct session_target {
	const char *name;
	uint32_t uid;
	const struct cc_cell *cell;
};

/* The steps after joining the cell, in a session that joined it (`back`
 * leads out again): the environment above, the seccomp filter
 * (sandbox/syscall_filter.h), then Landlock (sandbox/landlock.h), and the login noted in the cell
 * record. On failure
 * the process goes back to its own namespaces; 0 or -1 (err). */
int session_env_seal(pam_handle_t *pamh, const struct cc_config *config, const struct session_target *t,
		     struct cc_cell_return *back, struct cc_err *err);

/* At close_session: note the logout through the descriptor seal kept. 1
 * noted, 0 this session kept none. */
int session_note_logout(pam_handle_t *pamh);

#endif
