/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "disk/quota.h"

#include <errno.h>
#include <linux/dqblk_xfs.h>
#include <linux/quota.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* glibc has no wrapper. */
static int quotactl_fd(int fd, unsigned cmd, uint32_t id, void *addr)
{
	return (int)syscall(SYS_quotactl_fd, fd, QCMD(cmd, USRQUOTA), id, addr);
}

int cc_quota_support(int fd, enum cc_quota_support *support, struct cc_err *err)
{
	struct fs_quota_statv state;

	memset(&state, 0, sizeof(state));
	state.qs_version = FS_QSTATV_VERSION1;
	if (quotactl_fd(fd, Q_XGETQSTATV, 0, &state) < 0) {
		/* ENOSYS: the filesystem has no quota operations (tmpfs before
		 * 6.6, overlay, btrfs, 9p) or the kernel lacks quotactl_fd. */
		if (errno == ENOSYS || errno == EOPNOTSUPP || errno == ENOTTY) {
			*support = CC_QUOTA_NONE;
			return 0;
		}
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read the quota state");
	}
	if (state.qs_flags & FS_QUOTA_UDQ_ENFD)
		*support = CC_QUOTA_ENFORCED;
	else if (state.qs_flags & FS_QUOTA_UDQ_ACCT)
		*support = CC_QUOTA_ACCOUNTING;
	else
		*support = CC_QUOTA_OFF;
	return 0;
}

int cc_quota_get(int fd, uint32_t uid, struct cc_quota *quota, struct cc_err *err)
{
	struct if_dqblk q;

	memset(&q, 0, sizeof(q));
	if (quotactl_fd(fd, Q_GETQUOTA, uid, &q) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read the quota of uid %u", uid);
	quota->bytes_max = q.dqb_bhardlimit * QIF_DQBLKSIZE;
	quota->inodes_max = q.dqb_ihardlimit;
	quota->bytes_used = q.dqb_curspace;
	quota->inodes_used = q.dqb_curinodes;
	return 0;
}

int cc_quota_set(int fd, uint32_t uid, uint64_t bytes_max, uint64_t inodes_max, struct cc_err *err)
{
	struct if_dqblk q;

	memset(&q, 0, sizeof(q));
	/* Quota blocks are 1 KiB: round up, so the limit is never below what
	 * was asked. */
	q.dqb_bhardlimit = q.dqb_bsoftlimit = (bytes_max + QIF_DQBLKSIZE - 1) / QIF_DQBLKSIZE;
	q.dqb_ihardlimit = q.dqb_isoftlimit = inodes_max;
	q.dqb_valid = QIF_LIMITS;
	if (quotactl_fd(fd, Q_SETQUOTA, uid, &q) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot set the quota of uid %u", uid);
	return 0;
}

int cc_quota_has_record(int fd, uint32_t uid, bool *has, struct cc_err *err)
{
	struct if_nextdqblk next;

	/* Records with no limits and no usage are dropped when written out. */
	if (quotactl_fd(fd, Q_SYNC, 0, NULL) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot write the quota records out");
	memset(&next, 0, sizeof(next));
	if (quotactl_fd(fd, Q_GETNEXTQUOTA, uid, &next) < 0) {
		if (errno != ENOENT)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot look up the quota record of uid %u",
					     uid);
		*has = false;
		return 0;
	}
	*has = next.dqb_id == uid;
	return 0;
}
