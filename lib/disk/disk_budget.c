/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "disk/disk_budget.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/text_copy.h"
#include "fs/tmp_instances.h"

static const char *fs_type_name(long type)
{
	switch ((unsigned long)type) {
	case EXT4_SUPER_MAGIC:
		return "ext4";
	case XFS_SUPER_MAGIC:
		return "xfs";
	case TMPFS_MAGIC:
		return "tmpfs";
	case RAMFS_MAGIC:
		return "ramfs";
	case OVERLAYFS_SUPER_MAGIC:
		return "overlay";
	case BTRFS_SUPER_MAGIC:
		return "btrfs";
	case V9FS_MAGIC:
		return "9p";
	case NFS_SUPER_MAGIC:
		return "nfs";
	default:
		return "a filesystem without quota support";
	}
}

/* Add the filesystem of `path` unless it is in the set already. Returns 1,
 * 0 if there is no such path, or -1. */
static int add_path(struct cc_disk_set *set, const char *path, struct cc_err *err)
{
	struct cc_disk_fs *fs = &set->fs[set->count];
	struct statfs sfs;
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? 0 : cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0) {
		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read the filesystem of %s", path);
	}
	for (unsigned i = 0; i < set->count; i++) {
		if (set->fs[i].dev == st.st_dev) {
			close(fd);
			return 1;
		}
	}
	if (set->count == CC_DISK_FS_MAX) {
		close(fd);
		return cc_fail(err, CC_ERR_CONFIG, "the chat's writable trees span more than %d filesystems",
			       CC_DISK_FS_MAX);
	}
	fs->fd = fd;
	fs->dev = st.st_dev;
	fs->type = fs_type_name(sfs.f_type);
	fs->memory = sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC;
	fs->support = CC_QUOTA_NONE;
	cc_copy(fs->path, sizeof(fs->path), path);
	set->count++;
	if (!fs->memory && cc_quota_support(fd, &fs->support, err) < 0) {
		cc_err_prefix(err, "%s: ", path);
		return -1;
	}
	return 1;
}

int cc_disk_set_open(const struct cc_config *config, struct cc_disk_set *set, struct cc_err *err)
{
	char list[CC_PATH_LIST_MAX + 1];
	char *save = NULL;

	int found;

	set->count = 0;
	if (add_path(set, config->home_base, err) < 0)
		goto fail;
	/* Before the first login made it, the instances will be in the state
	 * directory. */
	found = add_path(set, CHATCELL_STATE_DIR "/" CC_INSTANCES_DIR, err);
	if (found == 0)
		found = add_path(set, CHATCELL_STATE_DIR, err);
	if (found < 0)
		goto fail;
	cc_copy(list, sizeof(list), config->landlock_write);
	for (char *path = strtok_r(list, ":", &save); path; path = strtok_r(NULL, ":", &save))
		if (add_path(set, path, err) < 0)
			goto fail;
	return 0;
fail:
	cc_disk_set_close(set);
	return -1;
}

void cc_disk_set_close(struct cc_disk_set *set)
{
	for (unsigned i = 0; i < set->count; i++)
		close(set->fs[i].fd);
	set->count = 0;
}

static uint64_t effective(int64_t chat_value, uint64_t fallback)
{
	if (chat_value < 0)
		return fallback;
	return chat_value == 0 ? CC_LIMIT_UNLIMITED : (uint64_t)chat_value;
}

void cc_disk_effective(const struct cc_config *config, int64_t disk_max, int64_t inodes_max, uint64_t *bytes,
		       uint64_t *inodes)
{
	*bytes = effective(disk_max, config->disk_max);
	*inodes = effective(inodes_max, config->inodes_max);
}

const char *cc_disk_fs_problem(const struct cc_disk_fs *fs)
{
	if (fs->memory)
		return NULL;
	switch (fs->support) {
	case CC_QUOTA_ENFORCED:
		return NULL;
	case CC_QUOTA_ACCOUNTING:
		return "user quotas are counted but not enforced there";
	case CC_QUOTA_OFF:
		return "user quotas are off there";
	case CC_QUOTA_NONE:
		break;
	}
	return "it has no user quotas";
}

/* 0 for "no limit", as the kernel takes it. */
static uint64_t kernel_limit(uint64_t value)
{
	return value == CC_LIMIT_UNLIMITED ? 0 : value;
}

int cc_disk_apply(const struct cc_config *config, uint32_t uid, int64_t disk_max, int64_t inodes_max,
		  bool fail_closed, struct cc_err *err)
{
	struct cc_disk_set set;
	uint64_t bytes, inodes;
	int rc = 0;

	if (!config->disk_quota)
		return 0;
	cc_disk_effective(config, disk_max, inodes_max, &bytes, &inodes);
	if (cc_disk_set_open(config, &set, err) < 0)
		return -1;
	/* Check every filesystem first: a budget half applied bounds nothing. */
	for (unsigned i = 0; i < set.count && rc == 0 && fail_closed; i++) {
		const char *problem = cc_disk_fs_problem(&set.fs[i]);

		if (problem && (bytes != CC_LIMIT_UNLIMITED || inodes != CC_LIMIT_UNLIMITED))
			rc = cc_fail(err, CC_ERR_CONFIG,
				     "the disk budget cannot be applied: %s is on %s and %s (`chatcell-admin init` says "
				     "how to enable them; or set disk_quota = off in chatcell.conf)",
				     set.fs[i].path, set.fs[i].type, problem);
	}
	for (unsigned i = 0; i < set.count && rc == 0; i++) {
		if (set.fs[i].memory || set.fs[i].support != CC_QUOTA_ENFORCED)
			continue;
		rc = cc_quota_set(set.fs[i].fd, uid, kernel_limit(bytes), kernel_limit(inodes), err);
		if (rc < 0)
			cc_err_prefix(err, "%s: ", set.fs[i].path);
	}
	cc_disk_set_close(&set);
	return rc;
}

int cc_disk_in_force(const struct cc_config *config, uint32_t uid, struct cc_err *err)
{
	struct cc_disk_set set;
	struct cc_quota q;
	int rc = 1;

	if (!config->disk_quota)
		return 1;
	if (cc_disk_set_open(config, &set, err) < 0)
		return -1;
	for (unsigned i = 0; i < set.count && rc == 1; i++) {
		if (set.fs[i].memory)
			continue;
		bool enforced = set.fs[i].support == CC_QUOTA_ENFORCED;

		if (enforced && cc_quota_get(set.fs[i].fd, uid, &q, err) < 0)
			rc = -1;
		else if (!enforced || (q.bytes_max == 0 && q.inodes_max == 0))
			rc = 0;
	}
	cc_disk_set_close(&set);
	return rc;
}

int cc_disk_clear(const struct cc_config *config, uint32_t uid, struct cc_err *err)
{
	struct cc_disk_set set;
	int rc = 0;

	if (cc_disk_set_open(config, &set, err) < 0)
		return -1;
	for (unsigned i = 0; i < set.count && rc == 0; i++) {
		if (set.fs[i].memory || set.fs[i].support == CC_QUOTA_NONE || set.fs[i].support == CC_QUOTA_OFF)
			continue;
		rc = cc_quota_set(set.fs[i].fd, uid, 0, 0, err);
		if (rc < 0)
			cc_err_prefix(err, "%s: ", set.fs[i].path);
	}
	cc_disk_set_close(&set);
	return rc;
}

int cc_disk_usage(const struct cc_config *config, uint32_t uid, struct cc_disk_usage *usage, struct cc_err *err)
{
	struct cc_disk_set set;
	struct cc_quota q;
	int rc = 0;

	memset(usage, 0, sizeof(*usage));
	if (cc_disk_set_open(config, &set, err) < 0)
		return -1;
	for (unsigned i = 0; i < set.count && rc == 0; i++) {
		if (set.fs[i].memory || (set.fs[i].support != CC_QUOTA_ENFORCED &&
					 set.fs[i].support != CC_QUOTA_ACCOUNTING))
			continue;
		rc = cc_quota_get(set.fs[i].fd, uid, &q, err);
		if (rc < 0)
			break;
		usage->bytes_used += q.bytes_used;
		usage->inodes_used += q.inodes_used;
		usage->counted++;
	}
	cc_disk_set_close(&set);
	return rc;
}
