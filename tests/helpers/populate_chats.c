/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Benchmark helper: add COUNT chats quickly (1,000 per transaction) with the
 * same registry, view and home code that `chatcell-admin ensure` uses, so a
 * benchmark can start from 10,000 or 100,000 existing chats.
 *
 *   populate_chats COUNT ID_PREFIX */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "identity/chat_name.h"
#include "db/chats.h"
#include "config/conf.h"
#include "fs/home.h"
#include "identity/host_key.h"
#include "base/trusted_dir.h"
#include "db/uid_alloc.h"
#include "view/view_write.h"

static void die(const struct cc_err *err)
{
	fprintf(stderr, "populate_chats: %s\n", err->msg);
	exit(1);
}

int main(int argc, char **argv)
{
	struct cc_uid_allocator alloc = {NULL, NULL, NULL};
	struct cc_config config;
	struct cc_registry reg;
	struct cc_err err;
	uint8_t key[CC_HOST_KEY_LEN];
	int state_fd, view_fd, home_fd;
	long count;

	if (argc != 3) {
		fprintf(stderr, "usage: %s COUNT ID_PREFIX\n", argv[0]);
		return 2;
	}
	count = strtol(argv[1], NULL, 10);
	if (cc_config_load(&config, CHATCELL_CONF_PATH, &err) < 0)
		die(&err);
	state_fd = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, &err);
	if (state_fd < 0 || cc_registry_open(&reg, state_fd, CHATCELL_STATE_DIR, false, &err) < 0 ||
	    cc_host_key_load(state_fd, CHATCELL_STATE_DIR, key, &err) < 0)
		die(&err);
	view_fd = cc_view_open_dir(state_fd, CHATCELL_STATE_DIR, 0, &err);
	home_fd = view_fd < 0 ? -1 : cc_home_base_open(&config, 0, &err);
	if (home_fd < 0)
		die(&err);
	for (long done = 0; done < count;) {
		if (cc_registry_begin_write(&reg, &err) < 0)
			die(&err);
		for (long batch = 0; batch < 1000 && done < count; batch++, done++) {
			struct cc_chat chat;

			memset(&chat, 0, sizeof(chat));
			chat.chat_id_len = (size_t)snprintf(chat.chat_id, sizeof(chat.chat_id), "%s%ld", argv[2], done);
			if (cc_chat_name_derive(key, chat.chat_id, chat.chat_id_len, config.user_prefix, chat.name) < 0 ||
			    cc_uid_allocate(&reg, &config, &alloc, &chat.uid, &err) < 0)
				die(&err);
			chat.state = CC_STATE_ACTIVE;
			chat.created_at = (int64_t)time(NULL);
			chat.memory_max = chat.pids_max = chat.cpu_max_percent = chat.io_weight = CC_LIMIT_DEFAULT;
			if (cc_chats_insert(&reg, &chat, &err) < 0 ||
			    cc_home_create(home_fd, config.home_base, chat.name, chat.uid, &err) < 0 ||
			    cc_view_publish_chat(view_fd, chat.name, chat.uid, &err) < 0)
				die(&err);
		}
		if (cc_registry_commit(&reg, &err) < 0)
			die(&err);
	}
	cc_registry_close(&reg);
	close(state_fd);
	close(view_fd);
	close(home_fd);
	return 0;
}
