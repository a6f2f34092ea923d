/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* User names: <prefix><12 hex digits of HMAC-SHA-256(host key, chat ID)>.
 * Without the root-only host key a name cannot be traced back to a chat ID,
 * not even by trying every plausible phone number. */
#ifndef CHATCELL_CHAT_NAME_H
#define CHATCELL_CHAT_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "config/conf.h"

#define CC_HOST_KEY_LEN 32

/* out must hold CC_NAME_MAX + 1 bytes. Returns 0, or -1 if the prefix is too long.
 * The HMAC comes from GNU Nettle. */
int cc_chat_name_derive(const uint8_t key[CC_HOST_KEY_LEN], const char *chat_id, size_t chat_id_len,
			const char *prefix, char *out);

#endif
