/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nft_table: a cell's whole egress table, through lib/egress (the code a
 * cell start and a rebuild use), in the network namespace at NETNS_PATH.
 * "new" makes the table as a cell start does (it must not exist yet) and
 * "replace" replaces whatever is there, as a rebuild does, both with the
 * default configuration and no chat's entries; "start" is a cell start's
 * own step for the chat of UID, from the installed configuration and
 * registry. Prints "ok", or the kernel's errno name (EEXIST, ...) for new
 * and replace, chatcell's message for start, and exits 1; a usage error
 * exits 2.
 *
 *   nft_table new|replace NETNS_PATH
 *   nft_table start NETNS_PATH UID
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse_number.h"
#include "base/trusted_dir.h"
#include "config/conf.h"
#include "db/chats.h"
#include "db/registry.h"
#include "egress/egress_nft.h"
#include "egress/egress_sync.h"
#include "nft_commit.h"

/* The start step: what a cell start's network-ready callback calls. */
static int start(const char *netns_path, const char *uid_text)
{
	struct cc_err err = {0};
	struct cc_config config;
	struct cc_registry reg;
	struct cc_chat chat;
	uint64_t uid;
	cc_cleanup_close int state = -1;
	cc_cleanup_close int netns = -1;
	int rc = -1;

	if (cc_parse_u64(uid_text, 0, UINT32_MAX, &uid) < 0)
		return 2;
	netns = open(netns_path, O_RDONLY | O_CLOEXEC);
	if (netns < 0) {
		perror(netns_path);
		return 1;
	}
	if (cc_config_load(&config, CHATCELL_CONF_PATH, &err) < 0)
		goto out;
	state = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, &err);
	if (state < 0 || cc_registry_open(&reg, state, CHATCELL_STATE_DIR, false, &err) < 0)
		goto out;
	if (cc_chats_find_by_uid(&reg, (uint32_t)uid, &chat, &err) > 0)
		rc = cc_egress_start_chat(&reg, &config, chat.id, netns, (int64_t)time(NULL), &err);
	else if (!err.msg[0])
		snprintf(err.msg, sizeof(err.msg), "no chat has UID %s", uid_text);
	cc_registry_close(&reg);
out:
	printf("%s\n", rc == 0 ? "ok" : err.msg);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct cc_config config;
	struct cc_nft_batch *batch;

	if (argc == 4 && strcmp(argv[1], "start") == 0)
		return start(argv[2], argv[3]);
	if (argc != 3 || (strcmp(argv[1], "new") != 0 && strcmp(argv[1], "replace") != 0)) {
		fprintf(stderr, "usage: nft_table new|replace NETNS_PATH\n       nft_table start NETNS_PATH UID\n");
		return 2;
	}
	cc_config_defaults(&config);
	batch = cc_nft_batch_new();
	if (batch && argv[1][0] == 'n')
		cc_nft_batch_new_table(batch, &config);
	else if (batch)
		cc_nft_batch_replace_table(batch, &config);
	return nft_commit_print(batch, argv[2]);
}
