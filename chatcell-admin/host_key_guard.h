/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host key must be the one that named the registry's chats: a lost key
 * silently replaced would give a chat deleted and created again another
 * name. The registry keeps the key's fingerprint (never the key); while
 * any chat exists (quarantined ones included) a missing or different key
 * is refused, naming the backup to restore it from. */
#ifndef CHATCELL_HOST_KEY_GUARD_H
#define CHATCELL_HOST_KEY_GUARD_H

#include "admin.h"

/* Load the host key into a->host_key after checking it against the
 * registry; with `init`, make a key when none exists and no chat does. A
 * registry without a fingerprint (made by an older chatcell) records it,
 * once the key is seen to give the oldest chat its name. */
int host_key_guard(struct admin *a, bool init);

/* The directory and time (ISO 8601) of the last backup; false if none is
 * recorded. */
bool host_key_last_backup(struct admin *a, char dir[CC_PATH_MAX + 1], char at[32]);

#endif
