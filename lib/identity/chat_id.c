/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "identity/chat_id.h"

#include <stdint.h>

/* Decode one UTF-8 sequence strictly (no overlongs, no surrogates, nothing
 * above U+10FFFF). Returns its length, or 0 if it is malformed. */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	size_t need;
	uint32_t min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		need = 2, min = 0x80, *cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		need = 3, min = 0x800, *cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		need = 4, min = 0x10000, *cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (avail < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return need;
}

static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

enum cc_chat_id_verdict cc_chat_id_check(const char *id, size_t len, size_t *offset)
{
	const unsigned char *s = (const unsigned char *)id;
	size_t i = 0;

	*offset = 0;
	if (len == 0)
		return CC_CHAT_ID_EMPTY;
	if (len > CC_CHAT_ID_MAX)
		return CC_CHAT_ID_TOO_LONG;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);

		*offset = i;
		if (n == 0)
			return CC_CHAT_ID_NOT_UTF8;
		if (is_control(cp))
			return CC_CHAT_ID_CONTROL;
		i += n;
	}
	*offset = 0;
	return CC_CHAT_ID_OK;
}

const char *cc_chat_id_verdict_text(enum cc_chat_id_verdict verdict)
{
	switch (verdict) {
	case CC_CHAT_ID_OK:
		return "valid";
	case CC_CHAT_ID_EMPTY:
		return "the chat ID is empty";
	case CC_CHAT_ID_TOO_LONG:
		return "the chat ID is longer than 1024 bytes";
	case CC_CHAT_ID_NOT_UTF8:
		return "the chat ID is not valid UTF-8";
	case CC_CHAT_ID_CONTROL:
		return "the chat ID contains a control character";
	}
	return "the chat ID is invalid";
}
