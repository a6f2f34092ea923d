/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host key behind chat names: 32 random bytes in a root-only file made
 * by `chatcell-admin init`. Losing it does not lose chats (the registry maps
 * chat IDs to names), but new names would no longer match old ones: the
 * registry keeps the key's fingerprint, and a different key is refused. */
#ifndef CHATCELL_HOST_KEY_H
#define CHATCELL_HOST_KEY_H

#include <stdbool.h>
#include <stdint.h>

#include "identity/chat_name.h"
#include "base/error.h"

#define CC_HOST_KEY_FILE "hmac.key"

#define CC_HOST_KEY_FINGERPRINT_LEN 64 /* hex digits */

/* Create the key in the trusted directory `dirfd` unless it exists. */
int cc_host_key_create(int dirfd, const char *dir_path, struct cc_err *err);

/* Is there a key file (good or not) in `dirfd`? */
bool cc_host_key_present(int dirfd);

/* Make `key` the key file of `dirfd`: written whole (0600, synced), then
 * put in place atomically over whatever was there. */
int cc_host_key_install(int dirfd, const char *dir_path, const uint8_t key[CC_HOST_KEY_LEN], struct cc_err *err);

/* The key's fingerprint: hex SHA-256 of a fixed label and the key. The
 * registry keeps it to know its key again; it tells nothing of the key. */
void cc_host_key_fingerprint(const uint8_t key[CC_HOST_KEY_LEN], char out[CC_HOST_KEY_FINGERPRINT_LEN + 1]);

/* Read it, refusing a file that is not root-owned 0600 of exactly 32 bytes. */
int cc_host_key_load(int dirfd, const char *dir_path, uint8_t key[CC_HOST_KEY_LEN], struct cc_err *err);

#endif
