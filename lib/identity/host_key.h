/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host key behind chat names: 32 random bytes in a root-only file made
 * by `chatcell-admin init`. Losing it does not lose chats (the registry maps
 * chat IDs to names), but new names would no longer match old ones. */
#ifndef CHATCELL_HOST_KEY_H
#define CHATCELL_HOST_KEY_H

#include <stdint.h>

#include "identity/chat_name.h"
#include "base/error.h"

#define CC_HOST_KEY_FILE "hmac.key"

/* Create the key in the trusted directory `dirfd` unless it exists. */
int cc_host_key_create(int dirfd, const char *dir_path, struct cc_err *err);

/* Read it, refusing a file that is not root-owned 0600 of exactly 32 bytes. */
int cc_host_key_load(int dirfd, const char *dir_path, uint8_t key[CC_HOST_KEY_LEN], struct cc_err *err);

#endif
