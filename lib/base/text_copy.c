/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/text_copy.h"

#include <string.h>

bool cc_copy(char *dst, size_t dst_size, const char *src)
{
	size_t len = strnlen(src, dst_size);

	if (dst_size == 0)
		return false;
	if (len == dst_size) {
		dst[0] = '\0';
		return false;
	}
	memcpy(dst, src, len + 1);
	return true;
}
