/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A chat's disk budget: one user quota (bytes and files) on every
 * filesystem the chat can write on the host's disks — its home's
 * (home_base), its /tmp, /var/tmp and /dev/shm instances' (the state
 * directory) and those of chatcell.conf's landlock_write paths. A
 * filesystem kept in memory (tmpfs) is no disk: what a chat writes there
 * is charged to its memory cgroup. Limits are per filesystem: where these
 * trees span several, each is bounded by the budget on its own. */
#ifndef CHATCELL_DISK_BUDGET_H
#define CHATCELL_DISK_BUDGET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "config/conf.h"
#include "disk/quota.h"

#define CC_DISK_FS_MAX 8

struct cc_disk_fs {
	int fd;                        /* O_PATH, on the filesystem */
	dev_t dev;
	const char *type;              /* "ext4", "xfs", "tmpfs", "overlay", ... */
	bool memory;                   /* tmpfs or ramfs: no quota needed */
	enum cc_quota_support support; /* unknown (CC_QUOTA_NONE) for memory */
	char path[CC_PATH_MAX + 1];    /* the first chat-writable tree found on it */
};

struct cc_disk_set {
	struct cc_disk_fs fs[CC_DISK_FS_MAX];
	unsigned count;
};

/* The filesystems of a chat's writable trees (paths that do not exist
 * are left out). */
int cc_disk_set_open(const struct cc_config *config, struct cc_disk_set *set, struct cc_err *err);
void cc_disk_set_close(struct cc_disk_set *set);

/* The registry's per-chat value (-1: chatcell.conf's, 0: none) made
 * effective: bytes or files, CC_LIMIT_UNLIMITED for none. */
void cc_disk_effective(const struct cc_config *config, int64_t disk_max, int64_t inodes_max, uint64_t *bytes,
		       uint64_t *inodes);

/* Why quotas cannot bound a chat on this filesystem, or NULL when they
 * can (or it is memory). */
const char *cc_disk_fs_problem(const struct cc_disk_fs *fs);

/* Set the chat's limits on every filesystem of its trees. With disk_quota
 * = off, nothing. With fail_closed (a login, `limits`), a filesystem whose
 * quotas are not enforced fails, naming it, and nothing is set anywhere;
 * without (`ensure`: its logins will refuse), such filesystems are skipped. */
int cc_disk_apply(const struct cc_config *config, uint32_t uid, int64_t disk_max, int64_t inodes_max,
		  bool fail_closed, struct cc_err *err);

/* Whether the chat's budget is in force on every filesystem of its trees
 * as they are now (disk_quota = off: yes): 1, or 0 when a filesystem does
 * not enforce quotas or holds no limit of the UID (chatcell.conf may have
 * added a tree since the budget was set), or -1. A login into a running
 * cell checks this; on 0 the start path sets the budget or refuses. */
int cc_disk_in_force(const struct cc_config *config, uint32_t uid, struct cc_err *err);

/* Drop the chat's limits everywhere (delete): the kernel forgets a record
 * with no limits once nothing of the UID is left on that filesystem. */
int cc_disk_clear(const struct cc_config *config, uint32_t uid, struct cc_err *err);

/* The chat's usage, summed over its filesystems with quotas. */
struct cc_disk_usage {
	uint64_t bytes_used, inodes_used;
	unsigned counted; /* filesystems whose usage is known */
};
int cc_disk_usage(const struct cc_config *config, uint32_t uid, struct cc_disk_usage *usage, struct cc_err *err);

#endif
