/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* JSON output (json_string): any bytes come out as one JSON string with
 * no raw control character, quote or backslash inside, and decode back to
 * exactly the bytes given (chat IDs are printed through it). */
#include "fuzz_input.h"

#include "chatcell-admin/json.h"

/* Decode what json_string writes; -1 if it is not such a string. */
static long decode(const char *s, size_t len, char *out)
{
	size_t n = 0;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		return -1;
	for (size_t i = 1; i < len - 1; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned v;

		if (c < 0x20 || c == '"')
			return -1;
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		if (i + 1 < len - 1 && (s[i + 1] == '"' || s[i + 1] == '\\')) {
			out[n++] = s[++i];
		} else if (i + 5 < len - 1 && s[i + 1] == 'u' && sscanf(s + i + 2, "%4x", &v) == 1 && v < 0x100) {
			out[n++] = (char)v;
			i += 5;
		} else {
			return -1;
		}
	}
	return (long)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *printed = NULL, *decoded;
	size_t printed_len = 0;
	FILE *out = open_memstream(&printed, &printed_len);

	if (!out)
		abort();
	json_string(out, (const char *)data, size);
	fclose(out);
	decoded = malloc(printed_len + 1);
	if (!decoded)
		abort();
	FUZZ_CHECK(decode(printed, printed_len, decoded) == (long)size && memcmp(decoded, data, size) == 0);
	FUZZ_CHECK(!memchr(printed, 0x7f, printed_len));
	free(decoded);
	free(printed);
	return 0;
}
