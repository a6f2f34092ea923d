/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/private_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/cleanup.h"

#define PER_INSTANCE_PROC "per-instance procfs options (hidepid=invisible, Linux 5.8)"

int cc_mount_private_proc(gid_t see_all_gid, struct cc_err *err)
{
	cc_cleanup_close int fs = -1, mnt = -1, target = -1;

	fs = fsopen("proc", FSOPEN_CLOEXEC);
	if (fs < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create a procfs instance (fsopen)");
	if (fsconfig(fs, FSCONFIG_SET_STRING, "hidepid", "invisible", 0) < 0) {
		if (errno == EINVAL)
			return cc_fail(err, CC_ERR_SYSTEM, "this kernel lacks %s", PER_INSTANCE_PROC);
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot set hidepid=invisible on the cell's /proc");
	}
	if (see_all_gid != (gid_t)-1) {
		char gid[16];

		snprintf(gid, sizeof(gid), "%u", (unsigned)see_all_gid);
		if (fsconfig(fs, FSCONFIG_SET_STRING, "gid", gid, 0) < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot set gid=%s on the cell's /proc", gid);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create the cell's /proc");
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot mount the cell's /proc");
	target = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0 || move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot put the cell's /proc in place");
	return 0;
}
