/* A chat's session, set up in this order before the shell starts:
 *   1. the chat is active in the registry
 *   (the cgroup step belongs here: the cgroup issue)
 *   2. a private mount namespace, "/" a recursive slave
 *   3. the chat's own /tmp, /var/tmp and /dev/shm bound over the real ones
 *   4. a fresh /proc with hidepid=invisible
 *   5. the chat's egress allowlist present in the kernel (the whole table
 *      rebuilt from the registry if it vanished)
 *   6. PATH, umask, core dumps, no_new_privs
 *   7. the login recorded in the registry
 * If any of 1-6 fails, everything done so far is taken back (the process
 * returns to its old mount namespace; directories created are removed) and
 * the session is refused. */
#ifndef CHATCELL_SESSION_H
#define CHATCELL_SESSION_H

#include <security/pam_modules.h>

#include "chat_user.h"

/* Returns PAM_SUCCESS or PAM_SESSION_ERR; the reason is in cu->err. */
int session_open(pam_handle_t *pamh, struct chat_user *cu, struct cc_registry *reg);

#endif
