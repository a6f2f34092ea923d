/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fs/tmp_instances.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/remove_tree.h"
#include "base/text_copy.h"
#include "base/trusted_dir.h"

static const char *const leaf_names[CC_INSTANCE_COUNT] = {"tmp", "var-tmp", "shm"};
static const char *const targets[CC_INSTANCE_COUNT] = {"/tmp", "/var/tmp", "/dev/shm"};

const char *cc_instance_target(enum cc_instance_kind kind)
{
	return targets[kind];
}

/* Open `name` in dirfd as a root-owned directory, creating it with `mode`
 * if missing; `exact` demands that mode (for the 1777 leaves), otherwise
 * it must not be writable by group or others. */
static int open_owned_dir(int dirfd, const char *what, const char *name, mode_t mode, bool *created,
			  struct cc_err *err)
{
	struct stat st;
	int fd;

	*created = false;
	if (mkdirat(dirfd, name, mode) == 0)
		*created = true;
	else if (errno != EEXIST)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create %s/%s", what, name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cc_fail(err, CC_ERR_PERMISSION, "%s/%s is a symbolic link or not a directory; refusing it",
			       what, name);
	if (*created && fchmod(fd, mode) < 0) {
		int saved = errno;

		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot chmod %s/%s", what, name);
	}
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 07777) != mode) {
		close(fd);
		return cc_fail(err, CC_ERR_PERMISSION, "%s/%s must be owned by root with mode %04o; refusing it", what,
			       name, (unsigned)mode);
	}
	return fd;
}

int cc_instances_open(int state_fd, const char *name, struct cc_instances *inst, struct cc_err *err)
{
	memset(inst, 0, sizeof(*inst));
	inst->root_fd = inst->chat_fd = -1;
	inst->state_fd = state_fd;
	if (!cc_copy(inst->name, sizeof(inst->name), name))
		return cc_fail(err, CC_ERR_INVALID, "chat name too long");
	for (int i = 0; i < CC_INSTANCE_COUNT; i++)
		inst->fd[i] = -1;
	inst->root_fd = open_owned_dir(state_fd, CHATCELL_STATE_DIR, CC_INSTANCES_DIR, 0700, &inst->created_root, err);
	if (inst->root_fd < 0)
		return -1;
	inst->chat_fd = open_owned_dir(inst->root_fd, CHATCELL_STATE_DIR "/" CC_INSTANCES_DIR, name, 0700,
				       &inst->created_chat, err);
	if (inst->chat_fd < 0)
		goto fail;
	for (int i = 0; i < CC_INSTANCE_COUNT; i++) {
		inst->fd[i] = open_owned_dir(inst->chat_fd, name, leaf_names[i], 01777, &inst->created[i], err);
		if (inst->fd[i] < 0)
			goto fail;
	}
	return 0;
fail:
	cc_instances_close(inst, true);
	return -1;
}

void cc_instances_close(struct cc_instances *inst, bool undo)
{
	for (int i = 0; i < CC_INSTANCE_COUNT; i++) {
		if (inst->fd[i] >= 0)
			close(inst->fd[i]);
		inst->fd[i] = -1;
		if (undo && inst->created[i] && inst->chat_fd >= 0)
			unlinkat(inst->chat_fd, leaf_names[i], AT_REMOVEDIR);
	}
	if (inst->chat_fd >= 0)
		close(inst->chat_fd);
	inst->chat_fd = -1;
	if (undo && inst->created_chat && inst->root_fd >= 0)
		unlinkat(inst->root_fd, inst->name, AT_REMOVEDIR);
	if (inst->root_fd >= 0)
		close(inst->root_fd);
	inst->root_fd = -1;
	if (undo && inst->created_root)
		unlinkat(inst->state_fd, CC_INSTANCES_DIR, AT_REMOVEDIR);
}

int cc_instances_remove(int state_fd, const char *name, struct cc_err *err)
{
	int root_fd = openat(state_fd, CC_INSTANCES_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc;

	if (root_fd < 0) {
		if (errno == ENOENT)
			return 0;
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s/%s", CHATCELL_STATE_DIR,
				     CC_INSTANCES_DIR);
	}
	rc = cc_remove_tree_at(root_fd, name);
	close(root_fd);
	if (rc < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot remove the /tmp instances of %s", name);
	return 0;
}
