/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/path_syntax.h"

#include <string.h>

static bool is_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
	       c == '_' || c == '-' || c == '+' || c == '@';
}

bool cc_path_is_simple_absolute(const char *path, size_t max_len)
{
	size_t len = strlen(path);
	const char *p = path;

	if (len == 0 || len > max_len || path[0] != '/')
		return false;
	if (len == 1)
		return true;
	while (*p == '/') {
		const char *start = ++p;

		while (*p && *p != '/') {
			if (!is_path_char(*p))
				return false;
			p++;
		}
		if (p == start)
			return false; /* "//" or trailing "/" */
		if ((p - start == 1 && start[0] == '.') || (p - start == 2 && start[0] == '.' && start[1] == '.'))
			return false;
	}
	return *p == '\0';
}
