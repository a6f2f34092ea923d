/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "repair.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/dir_each.h"
#include "base/text_copy.h"
#include "db/registry_copy.h"
#include "fs/home.h"
#include "view/view_read.h"
#include "view/view_write.h"

struct repair {
	struct admin *a;
	struct cc_view_params params; /* what the view's records must match */
	struct repair_counts *counts;
};

/* One line about what repair did, for people (--json prints counts only). */
static void say(const struct admin *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const struct admin *a, const char *fmt, ...)
{
	va_list ap;

	if (a->opt.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int restore_chat(const struct cc_chat *chat, void *ctx)
{
	struct repair *r = ctx;
	struct admin *a = r->a;
	int made, written;

	if (chat->pending != CC_PENDING_NONE)
		return 0; /* still unfinished after recovery_run: reported by the caller, with its state */
	made = cc_home_create(a->home_base_fd, a->config.home_base, chat->name, chat->uid, &a->err);
	if (made < 0)
		return -1;
	if (made) {
		say(a, "made the missing home %s/%s", a->config.home_base, chat->name);
		r->counts->homes_made++;
	}
	written = cc_view_publish_chat(a->view_fd, chat->name, chat->uid, &a->err);
	if (written < 0)
		return -1;
	if (written) {
		say(a, "published the NSS view entries of %s (uid %u)", chat->name, chat->uid);
		r->counts->published += (unsigned)written;
	}
	return 0;
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
	say(a, "removed stale NSS view entry %s", entry);
	r->counts->removed++;
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
		r->counts->orphans++;
	}
	return 0;
}

static int check_integrity(struct admin *a)
{
	int rc = cc_registry_check_integrity(&a->reg, &a->err);

	if (rc > 0)
		cc_err_append(&a->err, "; restore it from a backup ('chatcell-admin restore DIR') before repairing");
	return rc == 0 ? 0 : -1;
}

int repair_run(struct admin *a, struct repair_counts *counts)
{
	struct repair r = {.a = a, .counts = counts};
	int written;

	memset(counts, 0, sizeof(*counts));
	cc_copy(r.params.prefix, sizeof(r.params.prefix), a->config.user_prefix);
	r.params.uid_min = a->config.uid_min;
	r.params.uid_max = a->config.uid_max;
	if (check_integrity(a) < 0)
		return -1;
	if (a->view_made)
		say(a, "made the missing NSS view directory %s", CC_VIEW_DIR);
	written = cc_view_publish_params(a->view_fd, &a->config, &a->err);
	if (written < 0)
		return -1;
	/* A directory made anew got its parameters when it was made. */
	if (written || a->view_made) {
		say(a, "published the NSS view parameters");
		counts->published++;
	}
	if (cc_chats_each(&a->reg, false, false, restore_chat, &r, &a->err) < 0 ||
	    cc_dir_each(a->view_fd, CC_VIEW_DIR, drop_stale_entry, &r, &a->err) < 0 ||
	    admin_view_sync(a) < 0)
		return -1;
	return cc_dir_each(a->home_base_fd, a->config.home_base, report_orphan_home, &r, &a->err);
}

void repair_print_counts(const struct admin *a, const char *what, const struct repair_counts *c)
{
	if (a->opt.json)
		printf("\"fixed\":%u,\"published\":%u,\"removed\":%u,\"homes_made\":%u,\"orphan_homes\":%u,"
		       "\"view_dir_made\":%s",
		       c->published + c->removed, c->published, c->removed, c->homes_made, c->orphans,
		       a->view_made ? "true" : "false");
	else
		printf("%s done: %u NSS view entries fixed (%u published, %u removed), %u homes made, %u orphan homes "
		       "reported\n",
		       what, c->published + c->removed, c->published, c->removed, c->homes_made, c->orphans);
}
