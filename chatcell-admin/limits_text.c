/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "limits_text.h"

#include <string.h>

#include "cgroup/cgroup.h"
#include "disk/disk_budget.h"

int limit_parse(enum cc_limit_kind kind, const char *text, int64_t *value, struct cc_err *err)
{
	static const char *const options[] = {
		[CC_LIMIT_MEMORY] = "--memory", [CC_LIMIT_PIDS] = "--pids", [CC_LIMIT_CPU] = "--cpu",
		[CC_LIMIT_DISK] = "--disk",     [CC_LIMIT_INODES] = "--inodes",
	};
	uint64_t v;

	if (strcmp(text, "default") == 0) {
		*value = -1;
		return 0;
	}
	if (cc_limit_parse(kind, text, &v) < 0)
		return cc_fail(err, CC_ERR_INVALID, "%s takes %s, 'max' or 'default', not '%s'", options[kind],
			       cc_limit_expected(kind), text);
	*value = v == CC_LIMIT_UNLIMITED ? 0 : (int64_t)v;
	return 0;
}

void limits_describe(const struct cc_config *config, const struct cc_chat *chat, struct limits_text *text)
{
	struct cc_limits l;
	uint64_t disk, inodes;

	cc_limits_effective(config, chat->memory_max, chat->pids_max, chat->cpu_max_percent, &l);
	cc_limit_format(CC_LIMIT_MEMORY, l.memory_max, text->memory, sizeof(text->memory));
	cc_limit_format(CC_LIMIT_PIDS, l.pids_max, text->pids, sizeof(text->pids));
	cc_limit_format(CC_LIMIT_CPU, l.cpu_max_percent, text->cpu, sizeof(text->cpu));
	cc_disk_effective(config, chat->disk_max, chat->inodes_max, &disk, &inodes);
	cc_limit_format(CC_LIMIT_DISK, disk, text->disk, sizeof(text->disk));
	cc_limit_format(CC_LIMIT_INODES, inodes, text->inodes, sizeof(text->inodes));
}
