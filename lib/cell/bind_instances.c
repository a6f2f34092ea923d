/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/bind_instances.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

/* Kernel features this needs, named in the errors an administrator sees. */
#define NEW_MOUNT_API "the new mount API (open_tree/move_mount, Linux 5.2; mount_setattr, Linux 5.12)"

static int bind_one(int source_fd, const char *target, struct cc_err *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
	int tree, target_fd, rc = 0;

	target_fd = open(target, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target_fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s as a directory (no symbolic links)",
				     target);
	tree = open_tree(source_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0) {
		rc = errno == ENOSYS ? cc_fail(err, CC_ERR_SYSTEM, "this kernel lacks %s", NEW_MOUNT_API)
				     : cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot clone the instance for %s", target);
		goto out;
	}
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		rc = errno == ENOSYS ? cc_fail(err, CC_ERR_SYSTEM, "this kernel lacks %s", NEW_MOUNT_API)
				     : cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot set nosuid,nodev for %s", target);
	else if (move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		rc = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot mount the chat's instance over %s", target);
	close(tree);
out:
	close(target_fd);
	return rc;
}

int cc_bind_instances(const struct cc_instances *inst, struct cc_err *err)
{
	for (int i = 0; i < CC_INSTANCE_COUNT; i++)
		if (bind_one(inst->fd[i], cc_instance_target((enum cc_instance_kind)i), err) < 0)
			return -1;
	return 0;
}
