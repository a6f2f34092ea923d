/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A command, or a login shell, started as a chat through the PAM service
 * "chatcell" (/etc/chatcell/pam.d/chatcell), so it gets exactly the
 * confinement of any other login of that chat; nothing is started if
 * pam_chatcell did not confine the session. Used by chatcell-session, and by `chatcell-admin
 * run` itself through libchatcell-run.so (see cmd_run.c), so that
 * chatcell-admin's other commands never load libpam. */
#ifndef CHATCELL_SESSION_CLIENT_H
#define CHATCELL_SESSION_CLIENT_H

#include <stdbool.h>

/* The library's one entry point, looked up by this name. */
#define CC_SESSION_START_SYMBOL "cc_session_start"

/* Run argv (NULL-terminated; ignored for a login shell) as `user`. `who`
 * prefixes every message (the command the caller ran). Must run as root,
 * with 0, 1 and 2 open (both callers open /dev/null on a closed one at
 * their start, cc_std_fds_open). Returns the command's exit status, 128 + the
 * signal that ended it, or 125 when the session cannot be set up, 126 when
 * the command cannot be run, 127 when it is not found. Without
 * terminal_allowed a caller with a terminal on 0, 1 or 2 is refused (125):
 * the pty path forks a monitor that lives on as the chat, which must not
 * be a copy of chatcell-admin (see cmd_run.c). */
int cc_session_start(const char *who, const char *user, bool login_shell, char **argv, bool terminal_allowed);

typedef int cc_session_start_fn(const char *who, const char *user, bool login_shell, char **argv,
				bool terminal_allowed);

#endif
