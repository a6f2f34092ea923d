/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* suspend: refuse new logins and end every running process of the chat.
 * resume: allow logins again. Both are recorded in the audit trail. */
#include <errno.h>

#include "fs/chat_lock.h"
#include "commands.h"
#include "db/events.h"
#include "lifecycle.h"
#include "output.h"

/* Take the chat's work lock, then move it to `to` in one transaction. */
static int change_state(struct admin *a, enum cc_chat_state to, const char *action)
{
	struct chat_target t;
	struct cc_chat chat;
	int rc = -1;

	if (admin_read_target(a, &t, true) < 0)
		return -1;
	if (admin_begin_chat_change(a, &t, &chat, false) < 0)
		return -1;
	if (chat.state == to) {
		cc_registry_rollback(&a->reg);
		rc = lifecycle_finish(a, &chat);
		goto done;
	}
	if (to == CC_STATE_SUSPENDED && lifecycle_end_cell(a, &chat) < 0)
		goto rollback;
	chat.state = to;
	if (to == CC_STATE_SUSPENDED)
		chat.pending = CC_PENDING_SUSPEND;
	if (cc_chats_update(&a->reg, &chat, &a->err) < 0 ||
	    cc_events_add(&a->reg, a->now, a->actor, action, &chat, NULL, &a->err) < 0 ||
	    cc_registry_commit(&a->reg, &a->err) < 0)
		goto rollback;
	rc = lifecycle_finish(a, &chat);
done:
	if (rc == 0)
		output_identity(a, &chat, false);
	goto out;
rollback:
	cc_registry_rollback(&a->reg);
out:
	cc_chat_unlock(a->lock_fd, chat.uid);
	return rc;
}

int cmd_suspend(struct admin *a)
{
	return change_state(a, CC_STATE_SUSPENDED, "suspend");
}

int cmd_resume(struct admin *a)
{
	return change_state(a, CC_STATE_ACTIVE, "resume");
}
