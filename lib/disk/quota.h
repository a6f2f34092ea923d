/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* User quotas through quotactl_fd(2) (Linux 5.14): a descriptor of any
 * directory names its filesystem, so no block device or mount table is
 * looked up. Works for ext4 (the quota feature or quota files) and XFS
 * (uquota), whatever the format, since the kernel translates. */
#ifndef CHATCELL_QUOTA_H
#define CHATCELL_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

enum cc_quota_support {
	CC_QUOTA_ENFORCED,   /* limits are enforced */
	CC_QUOTA_ACCOUNTING, /* usage is counted, limits are not enforced */
	CC_QUOTA_OFF,        /* the filesystem can have quotas; they are off */
	CC_QUOTA_NONE,       /* this filesystem has no quota support at all */
};

/* What user quotas do on the filesystem of `fd`. */
int cc_quota_support(int fd, enum cc_quota_support *support, struct cc_err *err);

/* Limits (0: none) and usage of one user on one filesystem. */
struct cc_quota {
	uint64_t bytes_max, inodes_max;
	uint64_t bytes_used, inodes_used;
};

int cc_quota_get(int fd, uint32_t uid, struct cc_quota *quota, struct cc_err *err);

/* Set hard and soft limits alike (0: none). */
int cc_quota_set(int fd, uint32_t uid, uint64_t bytes_max, uint64_t inodes_max, struct cc_err *err);

/* Whether the quota file still holds a record of uid (limits or usage),
 * after writing the kernel's cached records out. */
int cc_quota_has_record(int fd, uint32_t uid, bool *has, struct cc_err *err);

#endif
