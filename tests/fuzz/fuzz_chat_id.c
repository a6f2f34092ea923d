/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Chat IDs (cc_chat_id_check): an accepted ID is 1 to 1024 bytes that hold
 * no byte a well-formed, control-free UTF-8 text cannot hold; a refused
 * one points inside the input. */
#include "fuzz_input.h"

#include "identity/chat_id.h"

/* Bytes and pairs that never occur in accepted text: ASCII controls, DEL,
 * bytes no UTF-8 sequence starts with, C1 controls (U+0080-U+009F) and
 * surrogates (U+D800-U+DFFF). */
static int has_forbidden_bytes(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f || s[i] == 0xc0 || s[i] == 0xc1 || s[i] >= 0xf5)
			return 1;
		if (i + 1 < n && s[i] == 0xc2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			return 1;
		if (i + 1 < n && s[i] == 0xed && s[i + 1] >= 0xa0)
			return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t offset = 0;
	enum cc_chat_id_verdict verdict = cc_chat_id_check((const char *)data, size, &offset);

	FUZZ_CHECK(cc_chat_id_verdict_text(verdict) != NULL);
	if (verdict == CC_CHAT_ID_OK)
		FUZZ_CHECK(size >= 1 && size <= CC_CHAT_ID_MAX && !has_forbidden_bytes(data, size));
	if (verdict == CC_CHAT_ID_NOT_UTF8 || verdict == CC_CHAT_ID_CONTROL)
		FUZZ_CHECK(offset < size);
	return 0;
}
