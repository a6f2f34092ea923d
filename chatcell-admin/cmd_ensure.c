/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ensure: return the chat's identity, creating the chat if it is new.
 * name: the user name a chat ID has or would get, creating nothing. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fs/chat_lock.h"
#include "commands.h"
#include "db/events.h"
#include "lifecycle.h"
#include "output.h"
#include "recovery.h"
#include "db/uid_alloc.h"
#include "identity/nss_probe.h"

struct claim_ctx {
	struct admin *a;
};

/* A candidate UID is ours only if no NSS source knows it as a user or a
 * group (or the allocation fails when one cannot tell)... */
static int known_to_nss(uint32_t uid, void *ctx, struct cc_err *err)
{
	(void)ctx;
	return cc_nss_id_known(uid, err);
}

/* ...and its work lock is free; the lock is kept for the filesystem half
 * of the creation. */
static bool claim_uid(uint32_t uid, void *ctx)
{
	struct claim_ctx *c = ctx;

	return cc_chat_lock(c->a->lock_fd, uid, false) == 0;
}

/* A user of that name the registry does not know: a chat of ours whose
 * creation was rolled back (its UID is inside our range), or somebody
 * else's account, which we must not shadow. */
static int check_name_free_on_host(struct admin *a, const char *name)
{
	uint32_t uid;
	int found = cc_nss_user_uid(name, &uid, &a->err);

	if (found <= 0)
		return found;
	if (uid >= a->config.uid_min && uid <= a->config.uid_max)
		return 0;
	return cc_fail(&a->err, CC_ERR_CONFLICT,
		       "the user name %s already belongs to uid %u, which is not a chat; remove or rename that "
		       "account",
		       name, (unsigned)uid);
}

/* The registry half: inside one transaction, find or add the chat. Returns
 * 1 if it was created (lock held on its UID), 0 if it existed, -1 on error. */
static int register_chat(struct admin *a, const struct chat_target *t, struct cc_chat *chat)
{
	struct claim_ctx claim = {a};
	struct cc_uid_allocator alloc = {known_to_nss, claim_uid, &claim};
	struct cc_chat other;
	int found;

	if (cc_registry_begin_write(&a->reg, &a->err) < 0)
		return -1;
	found = cc_chats_find_live_by_chat_id(&a->reg, t->chat_id, t->chat_id_len, chat, &a->err);
	if (found != 0) {
		cc_registry_rollback(&a->reg);
		return found < 0 ? -1 : 0;
	}
	memset(chat, 0, sizeof(*chat));
	memcpy(chat->chat_id, t->chat_id, t->chat_id_len);
	chat->chat_id_len = t->chat_id_len;
	if (cc_chat_name_derive(a->host_key, t->chat_id, t->chat_id_len, a->config.user_prefix, chat->name) < 0) {
		cc_fail(&a->err, CC_ERR_SYSTEM, "cannot compute the chat's name (user_prefix too long)");
		goto fail;
	}
	found = cc_chats_find_live_by_name(&a->reg, chat->name, &other, &a->err);
	if (found < 0)
		goto fail;
	if (found) {
		cc_fail(&a->err, CC_ERR_CONFLICT,
			"this chat ID and the chat ID of %s (uid %u) hash to the same name %s; the two are kept apart, "
			"so this chat was not created. Report it: a 48-bit collision is very rare",
			other.name, other.uid, chat->name);
		goto fail;
	}
	if (check_name_free_on_host(a, chat->name) < 0)
		goto fail;
	if (cc_chats_purge_deleted_before(&a->reg, a->now - cc_config_quarantine_seconds(&a->config), &a->err) < 0)
		goto fail;
	if (cc_uid_allocate(&a->reg, &a->config, &alloc, &chat->uid, &a->err) < 0)
		goto fail;
	chat->state = CC_STATE_ACTIVE;
	chat->created_at = a->now;
	chat->memory_max = chat->pids_max = chat->cpu_max_percent = chat->io_weight = CC_LIMIT_DEFAULT;
	chat->disk_max = chat->inodes_max = CC_LIMIT_DEFAULT;
	chat->pending = CC_PENDING_CREATE;
	if (cc_chats_insert(&a->reg, chat, &a->err) < 0 ||
	    cc_events_add(&a->reg, a->now, a->actor, "create", chat, NULL, &a->err) < 0 ||
	    cc_registry_commit(&a->reg, &a->err) < 0) {
		cc_chat_unlock(a->lock_fd, chat->uid);
		goto fail;
	}
	return 1;
fail:
	cc_registry_rollback(&a->reg);
	return -1;
}

/* An existing chat's NSS view entries, published again if missing, under
 * its work lock and as the chat is now: a delete that ran since it was
 * read must not have its entries come back. */
static int republish_locked(struct admin *a, const struct cc_chat *read_before)
{
	struct cc_chat now;
	int rc = cc_chat_lock(a->lock_fd, read_before->uid, true), found;

	if (rc < 0)
		return cc_fail_errno(&a->err, CC_ERR_SYSTEM, -rc, "cannot take the work lock of %s", read_before->name);
	found = cc_chats_find_by_id(&a->reg, read_before->id, &now, &a->err);
	if (found == 0 || (found > 0 && (now.state == CC_STATE_DELETED || now.uid != read_before->uid)))
		found = cc_fail(&a->err, CC_ERR_CONFLICT, "%s was deleted while ensure ran; run it again",
				read_before->name);
	rc = found < 0 ? -1 : lifecycle_republish(a, &now);
	cc_chat_unlock(a->lock_fd, read_before->uid);
	return rc;
}

int cmd_ensure(struct admin *a)
{
	struct chat_target t;
	struct cc_chat chat;
	int created, rc;

	if (admin_read_target(a, &t, false) < 0)
		return -1;
	created = register_chat(a, &t, &chat);
	if (created < 0)
		return -1;
	if (created) {
		rc = lifecycle_finish(a, &chat);
		cc_chat_unlock(a->lock_fd, chat.uid);
	} else {
		rc = recovery_settle(a, &chat);
		if (rc == 0)
			rc = republish_locked(a, &chat);
	}
	if (rc < 0 || (a->opt.start && lifecycle_start_cell(a, &chat) < 0))
		return -1;
	output_identity(a, &chat, created);
	return 0;
}

int cmd_name(struct admin *a)
{
	struct chat_target t;
	struct cc_chat chat;
	int found;

	if (admin_read_target(a, &t, false) < 0)
		return -1;
	found = cc_chats_find_live_by_chat_id(&a->reg, t.chat_id, t.chat_id_len, &chat, &a->err);
	if (found < 0)
		return -1;
	if (!found && cc_chat_name_derive(a->host_key, t.chat_id, t.chat_id_len, a->config.user_prefix, chat.name) < 0)
		return cc_fail(&a->err, CC_ERR_SYSTEM, "cannot compute the chat's name (user_prefix too long)");
	if (a->opt.json)
		printf("{\"name\":\"%s\",\"exists\":%s}\n", chat.name, found ? "true" : "false");
	else
		printf("%s\n", chat.name);
	return 0;
}
