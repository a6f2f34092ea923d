/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the kernel keeps per UID beyond any process, and so beyond a cell:
 * the user keyring and the user session keyring (Linux 5.3 and later keep
 * them while keys are in them). `delete` clears them so that the next
 * owner of the UID inherits nothing. */
#ifndef CHATCELL_UID_STATE_H
#define CHATCELL_UID_STATE_H

#include <stdint.h>

#include "base/error.h"

/* From a short-lived child running as `uid`: KEYCTL_CLEAR on both. A
 * kernel without keys (ENOSYS) has nothing to clear. */
int cc_uid_clear_keyrings(uint32_t uid, struct cc_err *err);

/* Give the calling process (root, a login about to become the chat) a new
 * anonymous session keyring owned by `uid`, as pam_keyinit's `force`
 * does, whatever the login's own stack did: Debian's su stack has no
 * pam_keyinit, and runuser's `revoke` without `force` keeps a session
 * keyring the caller has (a bot run by systemd always has one), so the
 * chat would read, change and pass on the caller's keys. The real UID and
 * GID are the chat's for that one call (the kernel makes the keyring the
 * real UID's). A kernel without keys (ENOSYS) has none to share. */
int cc_uid_own_session_keyring(uint32_t uid, struct cc_err *err);

#endif
