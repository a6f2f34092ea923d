/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "limits_text.h"

#include <stdio.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "cgroup/io_disks.h"
#include "disk/disk_budget.h"

int limit_parse(enum cc_limit_kind kind, const char *text, int64_t *value, struct cc_err *err)
{
	static const char *const options[] = {
		[CC_LIMIT_MEMORY] = "--memory", [CC_LIMIT_PIDS] = "--pids",     [CC_LIMIT_CPU] = "--cpu",
		[CC_LIMIT_DISK] = "--disk",     [CC_LIMIT_INODES] = "--inodes", [CC_LIMIT_IO_WEIGHT] = "--io-weight",
	};
	uint64_t v;

	if (strcmp(text, "default") == 0) {
		*value = -1;
		return 0;
	}
	if (cc_limit_parse(kind, text, &v) < 0)
		return cc_fail(err, CC_ERR_INVALID, "%s takes %s%s or 'default', not '%s'", options[kind],
			       cc_limit_expected(kind), kind == CC_LIMIT_IO_WEIGHT ? "" : ", 'max'", text);
	*value = v == CC_LIMIT_UNLIMITED ? 0 : (int64_t)v;
	return 0;
}

int io_max_parse(const char *text, bool *set, struct cc_io_max *max, struct cc_err *err)
{
	*set = strcmp(text, "default") != 0;
	if (*set && cc_io_max_parse(text, max) < 0)
		return cc_fail(err, CC_ERR_INVALID, "--io-max takes %s, or 'default', not '%s'", cc_io_max_expected(), text);
	return 0;
}

void limits_describe(const struct cc_config *config, const struct cc_chat *chat, struct limits_text *text)
{
	struct cc_limits l;
	uint64_t disk, inodes;

	cc_limits_effective(config, chat->memory_max, chat->pids_max, chat->cpu_max_percent,
			    chat->io_weight, chat->io_max_set ? &chat->io_max : NULL, &l);
	cc_limit_format(CC_LIMIT_MEMORY, l.memory_max, text->memory, sizeof(text->memory));
	cc_limit_format(CC_LIMIT_PIDS, l.pids_max, text->pids, sizeof(text->pids));
	cc_limit_format(CC_LIMIT_CPU, l.cpu_max_percent, text->cpu, sizeof(text->cpu));
	cc_disk_effective(config, chat->disk_max, chat->inodes_max, &disk, &inodes);
	cc_limit_format(CC_LIMIT_DISK, disk, text->disk, sizeof(text->disk));
	cc_limit_format(CC_LIMIT_INODES, inodes, text->inodes, sizeof(text->inodes));
	cc_limit_format(CC_LIMIT_IO_WEIGHT, l.io_weight, text->io_weight, sizeof(text->io_weight));
	cc_io_max_format(&l.io_max, text->io_max, sizeof(text->io_max));
}

const char *io_max_shown(const struct limits_text *text)
{
	return strcmp(text->io_max, "max") == 0 ? "none" : text->io_max;
}

void io_disks_describe(const struct cc_config *config, char *out, size_t out_len)
{
	struct cc_io_disks disks;
	size_t used;

	cc_io_disks_find(config, &disks);
	used = (size_t)snprintf(out, out_len, "io_max caps %s", disks.count ? "" : "no disk");
	for (size_t i = 0; i < disks.count && used < out_len; i++)
		used += (size_t)snprintf(out + used, out_len - used, "%s%s (%u:%u)", i ? ", " : "", disks.disk[i].name,
					 disks.disk[i].major, disks.disk[i].minor);
	if (disks.uncapped[0] && used < out_len)
		snprintf(out + used, out_len - used, "; %s", disks.uncapped);
}
