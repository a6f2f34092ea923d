/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* show: one chat with its audit trail. list: all chats. Both read only. */
#include <string.h>

#include "cell/cell.h"
#include "commands.h"
#include "output.h"

/* The registry's login times, or the later ones a cell record holds
 * (logins into a running cell note themselves there, see cell.h). */
static void with_cell_logins(const struct cc_chat *chat, struct cc_chat *out)
{
	int64_t login, logout;

	*out = *chat;
	if (chat->state == CC_STATE_DELETED || !cc_cell_logins(chat->uid, &login, &logout))
		return;
	if (login > out->last_login_at)
		out->last_login_at = login;
	if (logout > out->last_logout_at)
		out->last_logout_at = logout;
}

int cmd_show(struct admin *a)
{
	struct chat_target t;
	struct cc_chat chat;
	int rc;

	if (admin_read_target(a, &t, true) < 0 || cc_registry_begin_read(&a->reg, &a->err) < 0)
		return -1;
	if (admin_find_target(a, &t, &chat) <= 0)
		rc = -1;
	else {
		struct cc_chat shown;

		with_cell_logins(&chat, &shown);
		rc = output_chat_details(a, &shown);
	}
	cc_registry_rollback(&a->reg);
	return rc;
}

struct list_ctx {
	struct admin *a;
	bool filter;
	enum cc_chat_state state;
	unsigned count;
};

static int list_one(const struct cc_chat *chat, void *ctx)
{
	struct list_ctx *l = ctx;
	struct cc_chat shown;

	if (l->filter && chat->state != l->state)
		return 0;
	with_cell_logins(chat, &shown);
	output_list_row(l->a, &shown, l->count == 0);
	l->count++;
	return 0;
}

int cmd_list(struct admin *a)
{
	struct list_ctx l = {.a = a};
	int rc;

	if (a->opt.argc > 0)
		return cc_fail(&a->err, CC_ERR_USAGE, "list takes no chat ID; use 'show' for one chat");
	if (a->opt.state) {
		l.filter = true;
		if (cc_chat_state_parse(a->opt.state, &l.state) < 0)
			return cc_fail(&a->err, CC_ERR_USAGE, "--state takes active, suspended or deleted, not '%s'",
				       a->opt.state);
	}
	if (cc_registry_begin_read(&a->reg, &a->err) < 0)
		return -1;
	output_list_begin(a);
	rc = cc_chats_each(&a->reg, a->opt.all || (l.filter && l.state == CC_STATE_DELETED), false, list_one, &l,
			   &a->err);
	output_list_end(a, l.count);
	cc_registry_rollback(&a->reg);
	return rc;
}
