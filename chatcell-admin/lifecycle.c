/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lifecycle.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/grow.h"
#include "cell/cell.h"
#include "cell/cell_open.h"
#include "cell/uid_state.h"
#include "cgroup/cgroup.h"
#include "disk/disk_budget.h"
#include "fs/chat_lock.h"
#include "fs/home.h"
#include "db/egress_store.h"
#include "egress/egress_sync.h"
#include "cgroup/kill_uid.h"
#include "fs/tmp_instances.h"
#include "view/view_write.h"

/* The chat's cgroup with its effective limits (nothing when limits are
 * off), then its disk budget (nothing when disk_quota = off; strict: fail
 * where quotas are not enforced, else skip those filesystems). */
static int apply_limits(struct admin *a, const struct cc_chat *chat, bool strict)
{
	struct cc_limits limits;
	enum cc_cgroup_backend backend;

	if (admin_backend(a, &backend) < 0)
		return -1;
	cc_limits_effective(&a->config, chat->memory_max, chat->pids_max, chat->cpu_max_percent,
			    chat->io_weight, chat->io_max_set ? &chat->io_max : NULL, &limits);
	if (cc_cgroup_apply(backend, &a->config, chat->uid, chat->name, &limits, &a->err) < 0)
		return -1;
	return cc_disk_apply(&a->config, chat->uid, chat->disk_max, chat->inodes_max, strict, &a->err);
}

int lifecycle_end_cell(struct admin *a, const struct cc_chat *chat)
{
	int64_t login, logout;

	if (cc_cell_logins(chat->uid, &login, &logout) &&
	    cc_chats_fold_logins(&a->reg, chat->uid, login, logout, &a->err) < 0)
		return -1;
	return cc_cell_stop(chat->uid, &a->err) < 0 ? -1 : 0;
}

/* End every process of the chat: its cell first (the keeper's death ends
 * every process of the cell, with or without limits), then its cgroup
 * (all logins are there), then a sweep by UID for anything started outside
 * a login. */
static int kill_chat(struct admin *a, const struct cc_chat *chat, bool remove_cgroup)
{
	enum cc_cgroup_backend backend;

	if (lifecycle_end_cell(a, chat) < 0 || admin_backend(a, &backend) < 0)
		return -1;
	if ((remove_cgroup ? cc_cgroup_remove : cc_cgroup_kill)(backend, &a->config, chat->uid,
								chat->name, &a->err) < 0)
		return -1;
	return cc_kill_uid(chat->uid, &a->err) < 0 ? -1 : 0;
}

int lifecycle_apply_limits(struct admin *a, const struct cc_chat *chat)
{
	return apply_limits(a, chat, true);
}

/* A group's GID by name, or `fallback`. */
static gid_t group_id(const char *name, gid_t fallback)
{
	char buf[4096];
	struct group gr, *found = NULL;

	if (!name[0] || getgrnam_r(name, &gr, buf, sizeof(buf), &found) != 0 || !found)
		return fallback;
	return found->gr_gid;
}

struct new_cell_egress {
	struct admin *a;
	const struct cc_chat *chat;
};

/* The new cell's egress table, built from the registry into its network
 * namespace while its keeper makes the mounts (cc_cell_spec). */
static int build_new_egress(int netns, void *ctx, struct cc_err *err)
{
	const struct new_cell_egress *e = ctx;

	return cc_egress_start_chat(&e->a->reg, &e->a->config, e->chat->id, netns, e->a->now, err);
}

/* The chat as it is now that its work lock is held: a suspend or delete
 * that ran since the caller read it must not get its cell back. */
static int reread_active(struct admin *a, const struct cc_chat *read_before, struct cc_chat *chat)
{
	int found = cc_chats_find_by_id(&a->reg, read_before->id, chat, &a->err);

	if (found < 0)
		return -1;
	if (found == 0 || chat->state != CC_STATE_ACTIVE || chat->uid != read_before->uid ||
	    strcmp(chat->name, read_before->name) != 0)
		return cc_fail(&a->err, CC_ERR_CONFLICT,
			       "%s was suspended or deleted while its cell was being started; nothing was started",
			       read_before->name);
	return 0;
}

int lifecycle_start_cell(struct admin *a, const struct cc_chat *read_before)
{
	enum cc_cgroup_backend backend;
	struct cc_cell_spec spec;
	struct cc_limits limits;
	struct cc_chat now, *chat = &now;
	struct cc_cell cell;
	int rc;

	if (read_before->state != CC_STATE_ACTIVE)
		return cc_fail(&a->err, CC_ERR_CONFLICT, "%s is %s: its cell starts only while it is active",
			       read_before->name, cc_chat_state_name(read_before->state));
	if (admin_backend(a, &backend) < 0)
		return -1;
	rc = cc_chat_lock(a->lock_fd, read_before->uid, true);
	if (rc < 0)
		return cc_fail_errno(&a->err, CC_ERR_SYSTEM, -rc, "cannot take the work lock of %s", read_before->name);
	if (reread_active(a, read_before, &now) < 0) {
		cc_chat_unlock(a->lock_fd, read_before->uid);
		return -1;
	}
	cc_cell_spec_init(&spec, &a->config, chat->uid, chat->name, group_id("tty", 5),
			  backend != CC_CGROUP_OFF);
	cc_limits_effective(&a->config, chat->memory_max, chat->pids_max, chat->cpu_max_percent,
			    chat->io_weight, chat->io_max_set ? &chat->io_max : NULL, &limits);
	/* As a login would: no cell without its disk budget. */
	rc = cc_disk_apply(&a->config, chat->uid, chat->disk_max, chat->inodes_max, true, &a->err);
	if (rc == 0) {
		/* As a login would, too: a new cell has its egress table before
		 * anything of the chat runs in it. */
		struct new_cell_egress egress = {a, chat};

		spec.network_ready = build_new_egress;
		spec.network_ready_ctx = &egress;
		rc = cc_cell_open(&spec, &a->config, backend, &limits, &cell, &a->err);
		cc_cell_close(&cell);
	}
	cc_chat_unlock(a->lock_fd, chat->uid);
	return rc;
}

static int finish_create(struct admin *a, const struct cc_chat *chat)
{
	if (cc_home_create(a->home_base_fd, a->config.home_base, chat->name, chat->uid, &a->err) < 0 ||
	    apply_limits(a, chat, false) < 0)
		return -1;
	if (cc_view_publish_chat(a->view_fd, chat->name, chat->uid, &a->err) < 0)
		return -1;
	return admin_view_sync(a);
}

int lifecycle_republish(struct admin *a, const struct cc_chat *chat)
{
	int written = cc_view_publish_chat(a->view_fd, chat->name, chat->uid, &a->err);

	if (written > 0)
		written = admin_view_sync(a);
	if (written < 0) {
		cc_err_prefix(&a->err, "%s (uid %u) lacks NSS view entries (its name does not resolve) and they cannot be "
				       "published again: ",
			      chat->name, chat->uid);
		return -1;
	}
	return 0;
}

/* Take the chat's allowlist out of the kernel, then out of the registry. */
static int remove_egress(struct admin *a, const struct cc_chat *chat)
{
	struct cc_nft_element *els;
	size_t n;
	int rc;

	if (cc_egress_collect(&a->reg, chat->id, a->now, &els, &n, &a->err) < 0)
		return -1;
	rc = cc_egress_change(&a->reg, &a->config, NULL, 0, els, n, a->now, &a->err);
	free(els);
	return rc < 0 ? -1 : cc_egress_remove_chat(&a->reg, chat->id, &a->err);
}

static int finish_delete(struct admin *a, const struct cc_chat *chat)
{
	int rc;

	/* Unpublish first so the name stops resolving, then end every process
	 * before the home goes: nothing may still write into it. */
	if (cc_view_unpublish_chat(a->view_fd, chat->name, chat->uid, &a->err) < 0 ||
	    admin_view_sync(a) < 0)
		return -1;
	/* The keyrings last: no process of the UID may add to them again. */
	if (kill_chat(a, chat, true) < 0 || remove_egress(a, chat) < 0 ||
	    cc_instances_remove(a->state_fd, chat->name, &a->err) < 0 || cc_uid_clear_keyrings(chat->uid, &a->err) < 0)
		return -1;
	if (!chat->pending_arg[0]) {
		rc = cc_home_remove(a->home_base_fd, a->config.home_base, chat->name, &a->err);
	} else {
		int archive_fd = cc_home_archive_open(a->home_base_fd, chat->pending_arg, &a->err);

		if (archive_fd < 0)
			return -1;
		rc = cc_home_archive(a->home_base_fd, a->config.home_base, chat->name, archive_fd, chat->pending_arg,
				     &a->err);
		close(archive_fd);
	}
	/* Its files are gone: its quota records go with its limits. */
	return rc < 0 ? -1 : cc_disk_clear(&a->config, chat->uid, &a->err);
}

/* What each step leaves when its work is done, and when it is not. */
static const char *const done_text[] = {
	[CC_PENDING_CREATE] = "is set up (its home and NSS view entries exist: the name resolves)",
	[CC_PENDING_DELETE] = "is deleted (its processes, NSS view entries and home are gone)",
	[CC_PENDING_SUSPEND] = "is suspended (logins are refused, its processes are ended)",
};
static const char *const unfinished_text[] = {
	[CC_PENDING_CREATE] = "is registered but its setup is unfinished",
	[CC_PENDING_DELETE] = "is deleted in the registry but its removal is unfinished",
	[CC_PENDING_SUSPEND] = "is suspended (logins are refused) but ending its processes is unfinished",
};
static const char *const next_text[] = {
	[CC_PENDING_CREATE] = "finishes the setup",
	[CC_PENDING_DELETE] = "finishes the removal",
	[CC_PENDING_SUSPEND] = "ends them",
};

/* The work is done; clear the mark. If the registry cannot take that, the
 * work stays done and the mark stays: say exactly that, never "nothing
 * was changed". */
static int record_finished(struct admin *a, struct cc_chat *chat)
{
	struct cc_chat finished = *chat;
	int rc;

	finished.pending = CC_PENDING_NONE;
	finished.pending_arg[0] = '\0';
	a->reg.work_outside = true;
	rc = cc_chats_update(&a->reg, &finished, &a->err);
	a->reg.work_outside = false;
	if (rc < 0) {
		cc_err_prefix(&a->err, "%s (uid %u) %s, but the registry could not record that: ", chat->name, chat->uid,
			      done_text[chat->pending]);
		cc_err_append(&a->err, ". Fix that; the next chatcell-admin command records it");
		return -1;
	}
	*chat = finished;
	return 0;
}

int lifecycle_finish(struct admin *a, struct cc_chat *chat)
{
	int rc = 0;

	switch (chat->pending) {
	case CC_PENDING_NONE:
		return 0;
	case CC_PENDING_CREATE:
		rc = finish_create(a, chat);
		break;
	case CC_PENDING_DELETE:
		rc = finish_delete(a, chat);
		break;
	case CC_PENDING_SUSPEND:
		rc = kill_chat(a, chat, false);
		break;
	}
	if (rc < 0) {
		cc_err_prefix(&a->err, "%s (uid %u) %s: ", chat->name, chat->uid, unfinished_text[chat->pending]);
		cc_err_append(&a->err, ". Fix that; the next chatcell-admin command %s", next_text[chat->pending]);
		return -1;
	}
	return record_finished(a, chat);
}
