/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fs/shims_list.h"

#include <string.h>

static bool valid_command_name(const char *name)
{
	if (!*name || strlen(name) > CC_SHIM_NAME_MAX || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-' || *p == '+'))
			return false;
	return true;
}

int cc_shims_list_read(FILE *f, const char *origin, struct cc_shims_list *list, struct cc_err *err)
{
	char line[CC_SHIMS_LINE_MAX + 2];
	unsigned lineno = 0;

	list->count = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		char *save = NULL;

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n' && !feof(f))
			return cc_fail(err, CC_ERR_CONFIG, "%s:%u: line is longer than %d bytes", origin, lineno,
				       CC_SHIMS_LINE_MAX);
		line[strcspn(line, "#\n")] = '\0';
		for (char *name = strtok_r(line, " \t", &save); name; name = strtok_r(NULL, " \t", &save)) {
			if (!valid_command_name(name) || list->count == CC_SHIMS_MAX)
				return cc_fail(err, CC_ERR_CONFIG,
					       "%s:%u: expected command names (at most %d in all), got '%s'", origin,
					       lineno, CC_SHIMS_MAX, name);
			memcpy(list->names[list->count++], name, strlen(name) + 1);
		}
	}
	if (ferror(f))
		return cc_fail(err, CC_ERR_CONFIG, "cannot read %s", origin);
	return 0;
}

bool cc_shims_list_has(const struct cc_shims_list *list, const char *name)
{
	for (unsigned i = 0; i < list->count; i++)
		if (strcmp(list->names[i], name) == 0)
			return true;
	return false;
}
