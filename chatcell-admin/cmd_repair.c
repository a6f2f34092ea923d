/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* repair: bring the NSS view and the homes back in line with the registry
 * after anything (a crash, a restored backup, a hand edit) made them drift.
 * Unfinished steps are finished; every live chat gets its view entries and
 * home; view entries of no live chat are dropped; homes of no chat are
 * reported, never removed (they may hold data someone wants). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "fs/home.h"
#include "recovery.h"
#include "base/dir_each.h"
#include "base/text_copy.h"
#include "view/view_read.h"
#include "view/view_write.h"

struct repair {
	struct admin *a;
	struct cc_view_params params; /* what the view's records must match */
	unsigned fixed;
	unsigned orphans;
};

static int restore_chat(const struct cc_chat *chat, void *ctx)
{
	struct repair *r = ctx;
	struct admin *a = r->a;

	if (chat->pending != CC_PENDING_NONE)
		return 0; /* still unfinished after recovery_run: reported below, with its state */
	if (cc_home_create(a->home_base_fd, a->config.home_base, chat->name, chat->uid, &a->err) < 0)
		return -1;
	return cc_view_publish_chat(a->view_fd, chat->name, chat->uid, &a->err);
}

/* Is this view entry the record of a live chat? Anything that is not a
 * well-formed record of the configured range is not. */
static int view_entry_is_live(struct repair *r, const char *entry, bool *live)
{
	struct admin *a = r->a;
	char name[CC_NAME_MAX + 1];
	struct cc_chat chat;
	uint32_t uid;
	int found = 0;

	*live = false;
	if (cc_view_read_name_entry_at(a->view_fd, entry, &r->params, name, &uid) == 0)
		found = cc_chats_find_live_by_name(&a->reg, name, &chat, &a->err);
	else if (cc_view_read_uid_entry_at(a->view_fd, entry, &r->params, &uid, name) == 0)
		found = cc_chats_find_by_uid(&a->reg, uid, &chat, &a->err);
	if (found < 0)
		return -1;
	*live = found && chat.state != CC_STATE_DELETED && chat.uid == uid && strcmp(chat.name, name) == 0;
	return 0;
}

static int drop_stale_entry(const char *entry, void *ctx)
{
	struct repair *r = ctx;
	struct admin *a = r->a;
	bool live;

	if (strcmp(entry, CC_VIEW_PARAMS) == 0)
		return 0;
	if (view_entry_is_live(r, entry, &live) < 0)
		return -1;
	if (live)
		return 0;
	if (unlinkat(a->view_fd, entry, 0) < 0 && errno != ENOENT)
		return cc_fail_errno(&a->err, CC_ERR_SYSTEM, errno, "cannot remove %s/%s", CC_VIEW_DIR, entry);
	if (!a->opt.json)
		printf("removed stale NSS view entry %s\n", entry);
	r->fixed++;
	return 0;
}

static int report_orphan_home(const char *home, void *ctx)
{
	struct repair *r = ctx;
	struct admin *a = r->a;
	struct cc_chat chat;
	int found = cc_chats_find_live_by_name(&a->reg, home, &chat, &a->err);

	if (found < 0)
		return -1;
	if (!found) {
		fprintf(a->opt.json ? stderr : stdout,
			"orphan home %s/%s belongs to no chat: inspect it, then remove or archive it by hand\n",
			a->config.home_base, home);
		r->orphans++;
	}
	return 0;
}

static int check_integrity(struct admin *a)
{
	sqlite3_stmt *stmt;
	int rc, ok = 0;

	if (cc_registry_prepare(&a->reg, "PRAGMA quick_check", &stmt, &a->err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(stmt, 0), "ok") == 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return cc_registry_fail(&a->reg, rc, "checking the registry", &a->err);
	if (!ok)
		return cc_fail(&a->err, CC_ERR_SYSTEM,
			       "the registry %s fails its integrity check; restore it from backup before repairing",
			       a->reg.path);
	return 0;
}

int cmd_repair(struct admin *a)
{
	struct repair r = {.a = a};

	cc_copy(r.params.prefix, sizeof(r.params.prefix), a->config.user_prefix);
	r.params.uid_min = a->config.uid_min;
	r.params.uid_max = a->config.uid_max;

	if (a->opt.argc > 0)
		return cc_fail(&a->err, CC_ERR_USAGE, "repair takes no arguments");
	if (check_integrity(a) < 0)
		return -1;
	if (cc_view_publish_params(a->view_fd, &a->config, &a->err) < 0)
		return -1;
	if (cc_chats_each(&a->reg, false, false, restore_chat, &r, &a->err) < 0)
		return -1;
	if (cc_dir_each(a->view_fd, CC_VIEW_DIR, drop_stale_entry, &r, &a->err) < 0 ||
	    cc_view_sync(a->view_fd, &a->err) < 0 ||
	    cc_dir_each(a->home_base_fd, a->config.home_base, report_orphan_home, &r, &a->err) < 0)
		return -1;
	if (recovery_left_error(a) < 0) /* a step still unfinished: repair did not succeed */
		return -1;
	if (a->opt.json)
		printf("{\"fixed\":%u,\"orphan_homes\":%u}\n", r.fixed, r.orphans);
	else
		printf("repair done: %u view entries fixed, %u orphan homes reported\n", r.fixed, r.orphans);
	return 0;
}
