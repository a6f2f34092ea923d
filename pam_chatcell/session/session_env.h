/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The last session step: what the chat's shell inherits. PATH is the shims
 * directory (then path_append), umask 077, no core dumps, and
 * no_new_privs, so no setuid or file-capability binary runs with more than
 * the chat's own rights (and no socket of a chat process carries uid 0
 * past the egress rules). CHATCELL_SESSION names the chat for the shell's
 * profile and for chatcell-admin run, which refuses a session without it. */
#ifndef CHATCELL_SESSION_ENV_H
#define CHATCELL_SESSION_ENV_H

#include <security/pam_modules.h>

#include "base/error.h"
#include "cell/cell.h"
#include "config/conf.h"

int session_env_apply(pam_handle_t *pamh, const struct cc_config *config, const char *name, struct cc_err *err);

/* The steps after joining the cell, in a session that joined it (`back`
 * leads out again): the environment above, then the seccomp filter
 * (syscall_filter.h), which cannot be undone and so comes last. On failure
 * the process goes back to its own namespaces; 0 or -1 (err). */
int session_env_seal(pam_handle_t *pamh, const struct cc_config *config, const char *name,
		     struct cc_cell_return *back, struct cc_err *err);

#endif
