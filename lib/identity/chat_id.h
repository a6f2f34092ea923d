/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rule for chat IDs: 1 to 1024 bytes of well-formed UTF-8 with no
 * control characters (U+0000-U+001F, U+007F-U+009F). The rule is checked
 * before anything else touches the ID. */
#ifndef CHATCELL_CHAT_ID_H
#define CHATCELL_CHAT_ID_H

#include <stddef.h>

#define CC_CHAT_ID_MAX 1024

enum cc_chat_id_verdict {
	CC_CHAT_ID_OK = 0,
	CC_CHAT_ID_EMPTY,
	CC_CHAT_ID_TOO_LONG,
	CC_CHAT_ID_NOT_UTF8,
	CC_CHAT_ID_CONTROL,
};

/* Check `len` bytes at `id`. On a bad byte, *offset is its position. */
enum cc_chat_id_verdict cc_chat_id_check(const char *id, size_t len, size_t *offset);

/* One sentence describing the verdict, for error messages. */
const char *cc_chat_id_verdict_text(enum cc_chat_id_verdict verdict);

#endif
