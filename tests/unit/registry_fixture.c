/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "registry_fixture.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs/remove_tree.h"

int registry_fixture_setup(struct registry_fixture *f)
{
	struct cc_err err;

	snprintf(f->dir, sizeof(f->dir), "/tmp/chatcell-registry-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->dir_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dir_fd < 0)
		return -1;
	if (cc_registry_open(&f->reg, f->dir_fd, f->dir, true, &err) < 0) {
		fprintf(stderr, "registry fixture: %s\n", err.msg);
		return -1;
	}
	return 0;
}

void registry_fixture_teardown(struct registry_fixture *f)
{
	cc_registry_close(&f->reg);
	close(f->dir_fd);
	cc_remove_tree_at(AT_FDCWD, f->dir);
}

void registry_fixture_chat(struct cc_chat *chat, const char *chat_id, const char *name, uint32_t uid)
{
	memset(chat, 0, sizeof(*chat));
	chat->chat_id_len = strlen(chat_id);
	memcpy(chat->chat_id, chat_id, chat->chat_id_len);
	snprintf(chat->name, sizeof(chat->name), "%s", name);
	chat->uid = uid;
	chat->state = CC_STATE_ACTIVE;
	chat->created_at = 1700000000;
	chat->memory_max = chat->pids_max = chat->cpu_max_percent = chat->io_weight = CC_LIMIT_DEFAULT;
	chat->disk_max = chat->inodes_max = CC_LIMIT_DEFAULT;
}
