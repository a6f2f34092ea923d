/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "identity/subid.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/parse_number.h"

int cc_subid_overlap(const char *path, uint32_t min, uint32_t max, char *who, size_t who_len)
{
	char line[512];
	FILE *f = fopen(path, "re");

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL;
		char *owner = strtok_r(line, ":\n", &save);
		char *start_text = strtok_r(NULL, ":\n", &save);
		char *count_text = strtok_r(NULL, ":\n", &save);
		uint64_t start, count;

		if (!count_text || cc_parse_u64(start_text, 0, UINT32_MAX, &start) < 0 ||
		    cc_parse_u64(count_text, 1, UINT32_MAX, &count) < 0)
			continue;
		if (start <= max && start + count - 1 >= min) {
			snprintf(who, who_len, "%s:%llu:%llu in %s", owner, (unsigned long long)start,
				 (unsigned long long)count, path);
			fclose(f);
			return 1;
		}
	}
	fclose(f);
	return 0;
}
