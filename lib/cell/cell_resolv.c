/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/cell_resolv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs_util.h"
#include "base/trusted_dir.h"
#include "net/cell_addr.h"

void cc_cell_resolv_text(const struct cc_config *config, char *out, size_t size)
{
	static const uint8_t gateway[4] = CC_CELL_GATEWAY4;
	char text[INET_ADDRSTRLEN];

	(void)config;
	inet_ntop(AF_INET, gateway, text, sizeof(text));
	/* trust-ad off and one attempt per server: the gate answers at once,
	 * REFUSED included, and a gate that is down must fail fast. */
	snprintf(out, size,
		 "# This cell's only resolver: chatcelld's DNS gate, through the cell's gateway.\n"
		 "# It answers the names the chat's rules allow (chatcell-admin egress allow --domain).\n"
		 "nameserver %s\n",
		 text);
}

/* Linux before 6.15 cannot clone a file of a detached mount (open_tree
 * gives EINVAL). There the text, the same for every cell, is kept in
 * CHATCELL_RUN_DIR/resolv.conf (root's, 0644, written whole and renamed)
 * and bind-mounted read-only with the classic mount(2). */
static int bind_shared_copy(const char *text, int target, struct cc_err *err)
{
	cc_cleanup_close int dir = cc_open_trusted_dir(CHATCELL_RUN_DIR, 0755, err);
	cc_cleanup_close int tmp = -1, file = -1;
	char tmp_name[32], src[32], dst[32];

	if (dir < 0)
		return -1;
	snprintf(tmp_name, sizeof(tmp_name), "resolv.conf.%d", (int)getpid());
	tmp = openat(dir, tmp_name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (tmp < 0 || fchmod(tmp, 0644) < 0 || cc_write_all(tmp, text, strlen(text)) < 0 ||
	    renameat(dir, tmp_name, dir, "resolv.conf") < 0) {
		int e = errno;

		unlinkat(dir, tmp_name, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, e, "cannot write %s/resolv.conf", CHATCELL_RUN_DIR);
	}
	file = openat(dir, "resolv.conf", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (file < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s/resolv.conf", CHATCELL_RUN_DIR);
	snprintf(src, sizeof(src), "/proc/self/fd/%d", file);
	snprintf(dst, sizeof(dst), "/proc/self/fd/%d", target);
	if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot mount the cell's own /etc/resolv.conf");
	/* The new mount is on top: reached by the path (through its link, if any). */
	if (mount(NULL, "/etc/resolv.conf", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot make the cell's resolv.conf read-only");
	return 0;
}

int cc_cell_mount_resolv_conf(const struct cc_config *config, struct cc_err *err)
{
	const struct mount_attr readonly = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
							MOUNT_ATTR_NOEXEC};
	cc_cleanup_close int fs = -1, root = -1, file = -1, tree = -1, target = -1;
	char text[1024];

	/* Followed if it is a link (systemd-resolved's stub-resolv.conf): root's /etc. */
	target = open("/etc/resolv.conf", O_PATH | O_CLOEXEC);
	if (target < 0)
		return errno == ENOENT ? 0 : cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open /etc/resolv.conf");
	cc_cell_resolv_text(config, text, sizeof(text));
	/* A small tmpfs of its own holds the file: nothing on the host's disk. */
	fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", "16k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", "4", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create the cell's resolv.conf (tmpfs)");
	root = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (root < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot mount the cell's resolv.conf (fsmount)");
	file = openat(root, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (file < 0 || cc_write_all(file, text, strlen(text)) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot write the cell's resolv.conf");
	tree = open_tree(root, "resolv.conf", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0 && errno == EINVAL)
		return bind_shared_copy(text, target, err);
	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, (struct mount_attr *)&readonly, sizeof(readonly)) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot make the cell's resolv.conf read-only");
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot mount the cell's own /etc/resolv.conf");
	return 0;
}
