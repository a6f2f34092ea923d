/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The interface between pam_chatcell.so and libchatcell-session.so: the
 * three PAM entry points, by these names, with PAM's own signature. Each
 * library's version script exports nothing else. */
#ifndef CHATCELL_SESSION_LIBRARY_H
#define CHATCELL_SESSION_LIBRARY_H

#include <security/pam_modules.h>

int chatcell_session_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv);
int chatcell_session_open(pam_handle_t *pamh, int flags, int argc, const char **argv);
int chatcell_session_close(pam_handle_t *pamh, int flags, int argc, const char **argv);

/* And between libchatcell-session.so and libchatcell-session-start.so, the
 * logins that need the registry (session/join_entry.c loads it). */
int chatcell_session_start_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv);
int chatcell_session_start_open(pam_handle_t *pamh, int flags, int argc, const char **argv);
int chatcell_session_start_close(pam_handle_t *pamh, int flags, int argc, const char **argv);

#endif
