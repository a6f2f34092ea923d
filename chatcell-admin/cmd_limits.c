/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* limits: a chat's memory, process, CPU, disk and I/O limits. With
 * --memory, --pids, --cpu, --disk, --inodes, --io-weight or --io-max the
 * registry and the live cgroup and quotas change in one operation (the
 * registry commits only if the kernel took the limits); without, the
 * effective limits are printed. The chat's work lock is held throughout, so
 * a login opening meanwhile applies either the old limits before this or
 * the new ones after it, never the old ones over the new. */
#include <stdio.h>
#include <string.h>

#include "cgroup/cgroup.h"
#include "fs/chat_lock.h"
#include "commands.h"
#include "db/events.h"
#include "json.h"
#include "lifecycle.h"
#include "limits_text.h"

static void print_limits(struct admin *a, const struct cc_chat *chat)
{
	struct limits_text t;

	limits_describe(&a->config, chat, &t);
	if (a->opt.json) {
		printf("{");
		json_field_string(stdout, "name", chat->name, 0);
		json_field_string(stdout, "memory_max", t.memory, 1);
		json_field_string(stdout, "pids_max", t.pids, 1);
		json_field_string(stdout, "cpu_max", t.cpu, 1);
		json_field_string(stdout, "disk_max", t.disk, 1);
		json_field_string(stdout, "inodes_max", t.inodes, 1);
		json_field_string(stdout, "io_weight", t.io_weight, 1);
		json_field_string(stdout, "io_max", t.io_max, 1);
		printf("}\n");
		return;
	}
	printf("%s: memory %s%s, pids %s%s, cpu %s%s, disk %s%s, inodes %s%s, io weight %s%s, io max %s%s\n", chat->name,
	       t.memory, chat->memory_max < 0 ? " (default)" : "", t.pids, chat->pids_max < 0 ? " (default)" : "", t.cpu,
	       chat->cpu_max_percent < 0 ? " (default)" : "", t.disk, chat->disk_max < 0 ? " (default)" : "", t.inodes,
	       chat->inodes_max < 0 ? " (default)" : "", t.io_weight, chat->io_weight < 0 ? " (default)" : "",
	       io_max_shown(&t), chat->io_max_set ? "" : " (default)");
}

int cmd_limits(struct admin *a)
{
	struct chat_target t;
	struct cc_chat chat;
	char detail[256 + CC_IO_MAX_TEXT];
	int64_t memory = 0, pids = 0, cpu = 0, disk = 0, inodes = 0, io_weight = 0;
	struct cc_io_max io_max;
	char io_text[CC_IO_MAX_TEXT];
	bool io_max_set = false;
	int rc = -1;
	bool change = a->opt.memory || a->opt.pids || a->opt.cpu || a->opt.disk || a->opt.inodes || a->opt.io_weight ||
		      a->opt.io_max;

	if ((a->opt.memory && limit_parse(CC_LIMIT_MEMORY, a->opt.memory, &memory, &a->err) < 0) ||
	    (a->opt.pids && limit_parse(CC_LIMIT_PIDS, a->opt.pids, &pids, &a->err) < 0) ||
	    (a->opt.cpu && limit_parse(CC_LIMIT_CPU, a->opt.cpu, &cpu, &a->err) < 0) ||
	    (a->opt.disk && limit_parse(CC_LIMIT_DISK, a->opt.disk, &disk, &a->err) < 0) ||
	    (a->opt.inodes && limit_parse(CC_LIMIT_INODES, a->opt.inodes, &inodes, &a->err) < 0) ||
	    (a->opt.io_weight && limit_parse(CC_LIMIT_IO_WEIGHT, a->opt.io_weight, &io_weight, &a->err) < 0) ||
	    (a->opt.io_max && io_max_parse(a->opt.io_max, &io_max_set, &io_max, &a->err) < 0) ||
	    admin_read_target(a, &t, true) < 0)
		return -1;
	if (!change) {
		if (admin_find_target(a, &t, &chat) <= 0)
			return -1;
		print_limits(a, &chat);
		return 0;
	}
	if (admin_begin_chat_change(a, &t, &chat, false) < 0)
		return -1;
	if (a->opt.memory)
		chat.memory_max = memory;
	if (a->opt.pids)
		chat.pids_max = pids;
	if (a->opt.cpu)
		chat.cpu_max_percent = cpu;
	if (a->opt.disk)
		chat.disk_max = disk;
	if (a->opt.inodes)
		chat.inodes_max = inodes;
	if (a->opt.io_weight)
		chat.io_weight = io_weight;
	if (a->opt.io_max) {
		chat.io_max_set = io_max_set;
		if (io_max_set)
			chat.io_max = io_max;
	}
	/* io-max in its canonical form, so the audit line stays one bounded line. */
	if (io_max_set)
		cc_io_max_format(&io_max, io_text, sizeof(io_text));
	snprintf(detail, sizeof(detail), "memory %s pids %s cpu %s", a->opt.memory ? a->opt.memory : "-",
		 a->opt.pids ? a->opt.pids : "-", a->opt.cpu ? a->opt.cpu : "-");
	if (a->opt.io_weight || a->opt.io_max)
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), " io-weight %s io-max %s",
			 a->opt.io_weight ? a->opt.io_weight : "-", !a->opt.io_max ? "-" : io_max_set ? io_text : "default");
	if (a->opt.disk || a->opt.inodes)
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), " disk %s inodes %s",
			 a->opt.disk ? a->opt.disk : "-", a->opt.inodes ? a->opt.inodes : "-");
	if (cc_chats_update(&a->reg, &chat, &a->err) < 0 ||
	    cc_events_add(&a->reg, a->now, a->actor, "limits", &chat, detail, &a->err) < 0 ||
	    lifecycle_apply_limits(a, &chat) < 0 || cc_registry_commit(&a->reg, &a->err) < 0)
		goto fail;
	print_limits(a, &chat);
	if (a->backend == CC_CGROUP_OFF && (a->opt.memory || a->opt.pids || a->opt.cpu))
		fprintf(stderr, "chatcell-admin limits: recorded, but not enforced: cgroup_backend = off in chatcell.conf\n");
	if (!a->config.disk_quota && (a->opt.disk || a->opt.inodes))
		fprintf(stderr, "chatcell-admin limits: recorded, but not enforced: disk_quota = off in chatcell.conf\n");
	rc = 0;
	goto out;
fail:
	cc_registry_rollback(&a->reg);
out:
	cc_chat_unlock(a->lock_fd, chat.uid);
	return rc;
}
