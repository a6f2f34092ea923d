#include "subid.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int cc_subid_overlap(const char *path, uint32_t min, uint32_t max, char *who, size_t who_len)
{
	char line[512];
	FILE *f = fopen(path, "re");

	if (!f)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f)) {
		char owner[256];
		unsigned long long start, count;

		if (sscanf(line, "%255[^:]:%llu:%llu", owner, &start, &count) != 3 || count == 0)
			continue;
		if (start <= max && start + count - 1 >= min) {
			snprintf(who, who_len, "%s:%llu:%llu in %s", owner, start, count, path);
			fclose(f);
			return 1;
		}
	}
	fclose(f);
	return 0;
}
