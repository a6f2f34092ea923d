/* repair: bring the NSS view and the homes back in line with the registry
 * after anything (a crash, a restored backup, a hand edit) made them drift.
 * Unfinished steps are finished; every live chat gets its view entries and
 * home; view entries of no live chat are dropped; homes of no chat are
 * reported, never removed (they may hold data someone wants). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "home.h"
#include "lifecycle.h"
#include "view_format.h"
#include "view_write.h"

struct repair {
	struct admin *a;
	unsigned fixed;
	unsigned orphans;
};

static int restore_chat(const struct cc_chat *chat, void *ctx)
{
	struct repair *r = ctx;
	struct admin *a = r->a;

	if (cc_home_create(a->home_base_fd, a->config.home_base, chat->name, chat->uid, &a->err) < 0)
		return -1;
	return cc_view_publish_chat(a->view_fd, chat->name, chat->uid, &a->err);
}

/* Is this view entry the record of a live chat? */
static int view_entry_is_live(struct admin *a, const char *entry, bool *live)
{
	char target[CC_NAME_MAX + 1];
	struct cc_chat chat;
	ssize_t n = readlinkat(a->view_fd, entry, target, sizeof(target) - 1);
	uint32_t uid;
	int found;

	*live = false;
	if (n < 0)
		return 0;
	target[n] = '\0';
	if (strncmp(entry, CC_VIEW_BY_NAME, 2) == 0) {
		found = cc_chats_find_live_by_name(&a->reg, entry + 2, &chat, &a->err);
		if (found < 0)
			return -1;
		*live = found && cc_view_parse_uid(target, chat.uid, chat.uid, &uid) == 0;
	} else if (strncmp(entry, CC_VIEW_BY_UID, 2) == 0 &&
		   cc_view_parse_uid(entry + 2, a->config.uid_min, a->config.uid_max, &uid) == 0) {
		found = cc_chats_find_by_uid(&a->reg, uid, &chat, &a->err);
		if (found < 0)
			return -1;
		*live = found && chat.state != CC_STATE_DELETED && strcmp(chat.name, target) == 0;
	}
	return 0;
}

static int sweep_view(struct repair *r)
{
	struct admin *a = r->a;
	int fd = fcntl(a->view_fd, F_DUPFD_CLOEXEC, 0);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return cc_fail_errno(&a->err, CC_ERR_SYSTEM, errno, "cannot read %s", CC_VIEW_DIR);
	}
	while (rc == 0 && (de = readdir(dir))) {
		bool live;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, CC_VIEW_PARAMS) == 0)
			continue;
		rc = view_entry_is_live(a, de->d_name, &live);
		if (rc < 0 || live)
			continue;
		if (unlinkat(a->view_fd, de->d_name, 0) < 0 && errno != ENOENT) {
			rc = cc_fail_errno(&a->err, CC_ERR_SYSTEM, errno, "cannot remove %s/%s", CC_VIEW_DIR, de->d_name);
			break;
		}
		if (!a->opt.json)
			printf("removed stale NSS view entry %s\n", de->d_name);
		r->fixed++;
	}
	closedir(dir);
	return rc;
}

static int report_orphan_homes(struct repair *r)
{
	struct admin *a = r->a;
	int fd = fcntl(a->home_base_fd, F_DUPFD_CLOEXEC, 0);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return cc_fail_errno(&a->err, CC_ERR_SYSTEM, errno, "cannot read %s", a->config.home_base);
	}
	while (rc == 0 && (de = readdir(dir))) {
		struct cc_chat chat;
		int found;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		found = cc_chats_find_live_by_name(&a->reg, de->d_name, &chat, &a->err);
		if (found < 0)
			rc = -1;
		else if (!found) {
			fprintf(a->opt.json ? stderr : stdout,
				"orphan home %s/%s belongs to no chat: inspect it, then remove or archive it by hand\n",
				a->config.home_base, de->d_name);
			r->orphans++;
		}
	}
	closedir(dir);
	return rc;
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

	if (a->opt.argc > 0)
		return cc_fail(&a->err, CC_ERR_USAGE, "repair takes no arguments");
	if (check_integrity(a) < 0)
		return -1;
	if (cc_view_publish_params(a->view_fd, &a->config, &a->err) < 0)
		return -1;
	if (cc_chats_each(&a->reg, false, false, restore_chat, &r, &a->err) < 0)
		return -1;
	if (sweep_view(&r) < 0 || cc_view_sync(a->view_fd, &a->err) < 0 || report_orphan_homes(&r) < 0)
		return -1;
	if (a->opt.json)
		printf("{\"fixed\":%u,\"orphan_homes\":%u}\n", r.fixed, r.orphans);
	else
		printf("repair done: %u view entries fixed, %u orphan homes reported\n", r.fixed, r.orphans);
	return 0;
}
