/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/cell_resolv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs_util.h"
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
	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, (struct mount_attr *)&readonly, sizeof(readonly)) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot make the cell's resolv.conf read-only");
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot mount the cell's own /etc/resolv.conf");
	return 0;
}
