/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* restore DIR [--force]: put a backup made by `backup` back. The backup is
 * checked first (root's 0600 files, the registry whole, of a schema this
 * chatcell reads, made with this chatcell.conf's identity settings, and
 * recording the fingerprint of the key beside it). A host that has a
 * registry or a key already is replaced only with --force, and never so
 * that a live chat of this host is lost: each must be in the backup with
 * the same name and UID. The registry is copied over the live one with
 * sqlite's online backup API (other processes see all of it or none), the
 * key installed, then the NSS view, the homes, the shims and the egress
 * table are rebuilt from it, as repair and init do. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/grow.h"
#include "base/trusted_dir.h"
#include "commands.h"
#include "db/events.h"
#include "db/registry_copy.h"
#include "db/settings.h"
#include "egress/egress_sync.h"
#include "fs/shims.h"
#include "identity/host_key.h"
#include "json.h"
#include "recovery.h"
#include "repair.h"

struct backup {
	const char *dir;
	int fd;
	struct cc_registry copy;
	uint8_t key[CC_HOST_KEY_LEN];
	char fingerprint[CC_HOST_KEY_FINGERPRINT_LEN + 1];
	int64_t chats;
	/* Of the host's registry, kept across the restore: its deleted chats
	 * still in quarantine that the backup lacks (their UIDs must not be
	 * given out before it ends), and where UID allocation stands. */
	struct cc_chat *quarantined;
	size_t quarantined_count, quarantined_capacity;
	uint32_t next_uid;
	bool have_next_uid;
};

/* Do the registry and the key of the backup belong to this chatcell and to
 * each other? */
static int check_backup(struct admin *a, struct backup *b)
{
	char recorded[CC_HOST_KEY_FINGERPRINT_LEN + 1] = "";
	int version, found;

	if (cc_registry_version(&b->copy, &version, &a->err) < 0)
		return -1;
	if (version > cc_registry_schema_version())
		return cc_fail(&a->err, CC_ERR_CONFIG,
			       "the registry in %s has schema version %d, newer than this chatcell's %d; restore it with "
			       "the chatcell that wrote it",
			       b->dir, version, cc_registry_schema_version());
	if (cc_settings_check_identity(&b->copy, &a->config, &a->err) < 0) {
		cc_err_prefix(&a->err, "the backup in %s does not fit this host: ", b->dir);
		return -1;
	}
	found = cc_settings_get(&b->copy, CC_SETTING_HOST_KEY, recorded, sizeof(recorded), &a->err);
	if (found < 0)
		return -1;
	if (!found || strcmp(recorded, b->fingerprint) != 0)
		return cc_fail(&a->err, CC_ERR_CONFLICT,
			       "the registry and the host key in %s do not belong together (the key's fingerprint is "
			       "%.16s, the registry's %.16s); restore a backup made by 'chatcell-admin backup'",
			       b->dir, b->fingerprint, found ? recorded : "not recorded");
	return cc_chats_count(&b->copy, &b->chats, &a->err);
}

static int open_backup(struct admin *a, struct backup *b)
{
	b->fd = cc_open_trusted_dir(b->dir, 0, &a->err);
	if (b->fd < 0 || cc_host_key_load(b->fd, b->dir, b->key, &a->err) < 0)
		return -1;
	cc_host_key_fingerprint(b->key, b->fingerprint);
	if (cc_registry_open_copy(&b->copy, b->fd, b->dir, CC_REGISTRY_FILE, &a->err) < 0)
		return -1;
	return check_backup(a, b);
}

struct keep_check {
	struct admin *a;
	struct backup *b;
};

/* A chat of this host must be the same chat in the backup: one the backup
 * lacks would keep its home and processes with a UID the restored registry
 * would give out again. A deleted chat still in quarantine that the backup
 * lacks is kept (put_in_place); a chat with an unfinished step must have
 * it finished first, since the restored registry would forget it half
 * done. */
static int same_in_backup(const struct cc_chat *chat, void *ctx)
{
	struct keep_check *k = ctx;
	struct cc_chat there;
	int64_t quarantine_end = chat->deleted_at + cc_config_quarantine_seconds(&k->a->config);
	int found = cc_chats_find_by_uid(&k->b->copy, chat->uid, &there, &k->a->err);

	if (found < 0)
		return -1;
	if (chat->pending != CC_PENDING_NONE)
		return cc_fail(&k->a->err, CC_ERR_CONFLICT,
			       "%s (uid %u) has an unfinished %s (see 'chatcell-admin show --user %s'): restoring would "
			       "forget it half done, with its home and UID. Finish it first (fix what stops it, then run "
			       "the command again), then restore",
			       chat->name, chat->uid, cc_chat_pending_name(chat->pending), chat->name);
	if (!found && chat->state == CC_STATE_DELETED && quarantine_end > k->a->now) {
		struct cc_chat *more = cc_grow(k->b->quarantined, &k->b->quarantined_capacity,
					       k->b->quarantined_count, sizeof(*more), 16);

		if (!more)
			return cc_fail_errno(&k->a->err, CC_ERR_SYSTEM, ENOMEM, "collecting the quarantined chats");
		k->b->quarantined = more;
		more[k->b->quarantined_count++] = *chat;
	}
	if (found && strcmp(there.name, chat->name) != 0)
		return cc_fail(&k->a->err, CC_ERR_CONFLICT,
			       "uid %u is %s on this host but %s in the backup in %s: the backup is not of this host's "
			       "chats; restore one that is",
			       chat->uid, chat->name, there.name, k->b->dir);
	if (!found && chat->state != CC_STATE_DELETED)
		return cc_fail(&k->a->err, CC_ERR_CONFLICT,
			       "%s (uid %u) is a chat of this host that the backup in %s does not have: restoring would "
			       "leave its home and processes to a UID the registry could give out again. Delete it "
			       "first (chatcell-admin delete --user %s), or restore a newer backup",
			       chat->name, chat->uid, k->b->dir, chat->name);
	return 0;
}

/* What this host has now: nothing (a new host, or one that lost it all),
 * or a registry and key the restore replaces, with --force only. Sets
 * *unreadable when the registry there cannot be opened at all. */
static int check_target(struct admin *a, struct backup *b, bool *unreadable)
{
	struct keep_check k = {a, b};
	struct cc_registry live;
	struct cc_err why = {0};
	int64_t chats = 0;
	bool have_registry = faccessat(a->state_fd, CC_REGISTRY_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
	bool have_key = cc_host_key_present(a->state_fd);
	int rc = 0;

	*unreadable = false;
	if (!have_registry && !have_key)
		return 0;
	if (have_registry && cc_registry_open(&live, a->state_fd, CHATCELL_STATE_DIR, false, &why) < 0) {
		*unreadable = true;
	} else if (have_registry) {
		rc = cc_chats_count(&live, &chats, &a->err);
		if (rc == 0 && a->opt.force)
			rc = cc_chats_each(&live, true, false, same_in_backup, &k, &a->err);
		if (rc == 0 && a->opt.force) {
			int found = cc_settings_get_u32(&live, CC_SETTING_NEXT_UID, &b->next_uid, &a->err);

			rc = found < 0 ? -1 : 0;
			b->have_next_uid = found > 0;
		}
		cc_registry_close(&live);
	}
	if (rc < 0 || a->opt.force)
		return rc;
	if (*unreadable)
		return cc_fail(&a->err, CC_ERR_CONFLICT,
			       "this host has a registry that cannot be opened (%s); give --force to move it aside and "
			       "restore %s",
			       why.msg, b->dir);
	return cc_fail(&a->err, CC_ERR_CONFLICT,
		       "this host has %s already (%" PRId64 " chats); restoring %s replaces %s. Give --force to "
		       "replace %s (every chat of this host must be in the backup)",
		       have_registry && have_key ? "a registry and a host key"
		       : have_registry		  ? "a registry"
						  : "a host key",
		       chats, b->dir, have_registry && have_key ? "them" : "it", have_registry && have_key ? "them" : "it");
}

/* registry.db (with its -wal and -shm) becomes registry.db.replaced-<time>. */
static int move_aside(struct admin *a, char *moved, size_t moved_len)
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char stamp[32], from[64], to[96];
	time_t now = (time_t)a->now;
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(from, sizeof(from), "%s%s", CC_REGISTRY_FILE, suffixes[i]);
		snprintf(to, sizeof(to), "%s.replaced-%s%s", CC_REGISTRY_FILE, stamp, suffixes[i]);
		if (renameat(a->state_fd, from, a->state_fd, to) < 0 && errno != ENOENT)
			return cc_fail_errno(&a->err, CC_ERR_SYSTEM, errno, "cannot move %s/%s aside", CHATCELL_STATE_DIR,
					     from);
	}
	snprintf(moved, moved_len, "%s/%s.replaced-%s", CHATCELL_STATE_DIR, CC_REGISTRY_FILE, stamp);
	return 0;
}

/* The backup's registry over this host's (made if there is none), then its
 * key. */
static int put_in_place(struct admin *a, struct backup *b)
{
	char detail[CC_PATH_MAX + 16], made[CC_PATH_MAX + 32];
	struct cc_registry live;
	struct stat st;
	int rc;

	if (cc_registry_open(&live, a->state_fd, CHATCELL_STATE_DIR, true, &a->err) < 0)
		return -1;
	rc = cc_registry_copy_in(&live, &b->copy, &a->err);
	if (rc == 0)
		rc = cc_registry_migrate(&live, &a->err);
	/* This host's quarantines go on, and its UIDs are given out from
	 * where they were, not again from where the backup stood. */
	for (size_t i = 0; rc == 0 && i < b->quarantined_count; i++)
		rc = cc_chats_insert(&live, &b->quarantined[i], &a->err);
	if (rc == 0 && b->have_next_uid)
		rc = cc_settings_set_u32(&live, CC_SETTING_NEXT_UID, b->next_uid, &a->err);
	snprintf(detail, sizeof(detail), "from %s", b->dir);
	if (rc == 0)
		rc = cc_events_add(&live, a->now, a->actor, "restore", NULL, detail, &a->err);
	/* The backup it came from is the one to name if the key goes missing. */
	snprintf(made, sizeof(made), "%lld %s",
		 fstatat(b->fd, CC_REGISTRY_FILE, &st, 0) == 0 ? (long long)st.st_mtime : (long long)a->now, b->dir);
	if (rc == 0)
		rc = cc_settings_set(&live, CC_SETTING_LAST_BACKUP, made, &a->err);
	cc_registry_close(&live);
	return rc < 0 ? -1 : cc_host_key_install(a->state_fd, CHATCELL_STATE_DIR, b->key, &a->err);
}

/* What init would make from the restored registry: the shims and the
 * egress table. */
static int rebuild_host(struct admin *a)
{
	struct cc_shims_report shims;
	int rc;

	if (cc_shims_sync(&a->config, CHATCELL_SHIMS_LIST, &shims, &a->err) < 0 ||
	    cc_registry_begin_write(&a->reg, &a->err) < 0)
		return -1;
	rc = cc_egress_rebuild(&a->reg, &a->config, a->now, NULL, &a->err);
	admin_end_rebuild(a);
	if (rc < 0)
		cc_err_prefix(&a->err, "restored, but not every running cell's egress table was rebuilt: ");
	return rc;
}

static void print_result(struct admin *a, const struct backup *b, const struct repair_counts *c)
{
	if (!a->opt.json) {
		repair_print_counts(a, "restore", c);
		return;
	}
	fputc('{', stdout);
	json_field_string(stdout, "dir", b->dir, 0);
	json_field_u64(stdout, "chats", (uint64_t)b->chats, 1);
	json_field_string(stdout, "fingerprint", b->fingerprint, 1);
	fputc(',', stdout);
	repair_print_counts(a, "restore", c);
	fputs("}\n", stdout);
}

static int restore(struct admin *a, struct backup *b)
{
	struct repair_counts counts;
	char moved[CC_PATH_MAX + 64];
	bool unreadable;
	int rc;

	if (open_backup(a, b) < 0 || check_target(a, b, &unreadable) < 0)
		return -1;
	if (unreadable && move_aside(a, moved, sizeof(moved)) < 0)
		return -1;
	if (put_in_place(a, b) < 0) {
		cc_err_prefix(&a->err, "restoring %s: ", b->dir);
		return -1;
	}
	if (!a->opt.json) {
		if (unreadable)
			printf("moved the registry that could not be opened aside to %s\n", moved);
		printf("restored %" PRId64 " chats from %s (registry integrity ok, host key fingerprint %.16s)\n",
		       b->chats, b->dir, b->fingerprint);
	}
	/* From here on it is this host's registry: open it as every command
	 * does (the host key guard checks the key), then rebuild from it. */
	if (admin_open_host(a, ADMIN_RESTORE) < 0 || repair_run(a, &counts) < 0)
		return -1;
	/* What was restored and repaired is said even if the host's rebuild
	 * then fails (it rebuilds what it can before it does): the exit
	 * status and the message on stderr say that. */
	if (!a->opt.json)
		print_result(a, b, &counts);
	rc = rebuild_host(a) < 0 || recovery_left_error(a) < 0 ? -1 : 0;
	if (a->opt.json)
		print_result(a, b, &counts);
	return rc;
}

int cmd_restore(struct admin *a)
{
	struct backup b = {.fd = -1};
	int rc;

	if (admin_read_dir(a, &b.dir) < 0)
		return -1;
	rc = restore(a, &b);
	cc_registry_close(&b.copy);
	if (b.fd >= 0)
		close(b.fd);
	explicit_bzero(b.key, sizeof(b.key));
	free(b.quarantined);
	return rc;
}
