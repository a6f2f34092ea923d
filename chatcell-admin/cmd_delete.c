/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* delete: end the chat for good. Its processes are killed, its NSS entries
 * and home removed (or the home archived), and its UID kept in quarantine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fs/chat_lock.h"
#include "commands.h"
#include "db/events.h"
#include "fs/home.h"
#include "lifecycle.h"
#include "base/path_syntax.h"

int cmd_delete(struct admin *a)
{
	char detail[CC_PATH_MAX + 32];
	struct chat_target t;
	struct cc_chat chat;
	int rc = -1;

	if (admin_read_target(a, &t, true) < 0)
		return -1;
	if (a->opt.archive) {
		int archive_fd;

		if (!cc_path_is_simple_absolute(a->opt.archive, CC_PATH_MAX))
			return cc_fail(&a->err, CC_ERR_USAGE,
				       "--archive needs an absolute directory path of plain characters, not '%s'",
				       a->opt.archive);
		/* Check the archive can take the home before anything changes. */
		archive_fd = cc_home_archive_open(a->home_base_fd, a->opt.archive, &a->err);
		if (archive_fd < 0)
			return -1;
		close(archive_fd);
	}
	if (admin_begin_chat_change(a, &t, &chat, true) < 0)
		return -1;
	if (lifecycle_end_cell(a, &chat) < 0)
		goto rollback;
	chat.state = CC_STATE_DELETED;
	chat.deleted_at = a->now;
	chat.pending = CC_PENDING_DELETE;
	snprintf(chat.pending_arg, sizeof(chat.pending_arg), "%s", a->opt.archive ? a->opt.archive : "");
	snprintf(detail, sizeof(detail), a->opt.archive ? "home archived to %s" : "home removed",
		 a->opt.archive ? a->opt.archive : "");
	if (cc_chats_update(&a->reg, &chat, &a->err) < 0 ||
	    cc_events_add(&a->reg, a->now, a->actor, "delete", &chat, detail, &a->err) < 0 ||
	    cc_registry_commit(&a->reg, &a->err) < 0)
		goto rollback;
	rc = lifecycle_finish(a, &chat);
	if (rc == 0) {
		if (a->opt.json)
			printf("{\"name\":\"%s\",\"uid\":%u,\"state\":\"deleted\",\"quarantine_days\":%u}\n", chat.name,
			       chat.uid, a->config.quarantine_days);
		else
			printf("%s (uid %u) deleted; its UID stays quarantined for %u days\n", chat.name, chat.uid,
			       a->config.quarantine_days);
	}
	goto out;
rollback:
	cc_registry_rollback(&a->reg);
out:
	cc_chat_unlock(a->lock_fd, chat.uid);
	return rc;
}
