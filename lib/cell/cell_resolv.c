/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/cell_resolv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
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

/* Does `fd` hold exactly `text`, as root's 0644 regular file? */
static bool holds(int fd, const char *text)
{
	char have[1024];
	size_t len = strlen(text);
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 && (st.st_mode & 07777) == 0644 &&
	       (size_t)st.st_size == len && len < sizeof(have) && pread(fd, have, sizeof(have), 0) == (ssize_t)len &&
	       memcmp(have, text, len) == 0;
}

/* Write CHATCELL_RUN_DIR/resolv.conf anew: whole, under a name of its own
 * (every keeper is PID 1 of its own namespace: a PID names no file), then
 * renamed into place. */
static int write_shared(int dir, const char *text, struct cc_err *err)
{
	cc_cleanup_close int tmp = -1;
	char tmp_name[32];
	uint64_t nonce;

	if (getrandom(&nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce))
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot name a new %s/resolv.conf (getrandom)",
				     CHATCELL_RUN_DIR);
	snprintf(tmp_name, sizeof(tmp_name), "resolv.conf.%016llx", (unsigned long long)nonce);
	tmp = openat(dir, tmp_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (tmp < 0 || fchmod(tmp, 0644) < 0 || cc_write_all(tmp, text, strlen(text)) < 0 ||
	    renameat(dir, tmp_name, dir, "resolv.conf") < 0) {
		int e = errno;

		if (tmp >= 0)
			unlinkat(dir, tmp_name, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, e, "cannot write %s/resolv.conf", CHATCELL_RUN_DIR);
	}
	return 0;
}

/* A clone of `file` (a read-only mount of it alone) onto `target`. By
 * descriptors: a login that joins a running cell has no /proc/self there
 * (the cell's procfs shows the cell's PID namespace, not the login). */
static int bind_file(int file, int target)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	cc_cleanup_close int tree = open_tree(file, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);

	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
	    move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -1;
	return 0;
}

/* The text, the same for every cell, is kept in CHATCELL_RUN_DIR/resolv.conf
 * (root's, 0644), written only when it is missing or holds anything else,
 * and a read-only clone of it is put over the target; a running cell
 * keeps the file it was given. Not a small tmpfs of the cell's own: Linux
 * before 6.15 cannot clone a file of a detached mount (open_tree gives
 * EINVAL), and closing a mount that was never attached waits for an RCU
 * grace period (1-2 ms of every cell start on a VM). */
int cc_cell_mount_resolv_conf(const struct cc_config *config, struct cc_err *err)
{
	cc_cleanup_close int dir = -1, target = -1;
	char text[1024];

	/* Followed if it is a link (systemd-resolved's stub-resolv.conf): root's /etc. */
	target = open("/etc/resolv.conf", O_PATH | O_CLOEXEC);
	if (target < 0)
		return errno == ENOENT ? 0 : cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open /etc/resolv.conf");
	cc_cell_resolv_text(config, text, sizeof(text));
	dir = cc_open_trusted_dir(CHATCELL_RUN_DIR, 0755, err);
	if (dir < 0)
		return -1;
	/* Cells starting at once may each write it: a file replaced between
	 * its open and the mount (ENOENT: it was unlinked) is opened again. */
	for (int attempt = 0;; attempt++) {
		cc_cleanup_close int file = openat(dir, "resolv.conf", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

		if (file < 0 && errno != ENOENT && errno != ELOOP) /* ELOOP: a link, replaced */
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s/resolv.conf", CHATCELL_RUN_DIR);
		if (file < 0 || !holds(file, text)) {
			if (attempt >= 3)
				return cc_fail(err, CC_ERR_SYSTEM, "%s/resolv.conf keeps changing under the cell's start",
					       CHATCELL_RUN_DIR);
			if (write_shared(dir, text, err) < 0)
				return -1;
			continue;
		}
		if (bind_file(file, target) == 0)
			return 0;
		if (errno != ENOENT || attempt >= 3)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot mount the cell's own /etc/resolv.conf");
	}
}

int cc_cell_restore_resolv_conf(const struct cc_config *config, struct cc_err *err)
{
	struct stat now, shared;

	if (stat("/etc/resolv.conf", &now) == 0 && stat(CHATCELL_RUN_DIR "/resolv.conf", &shared) == 0 &&
	    now.st_dev == shared.st_dev && now.st_ino == shared.st_ino)
		return 0;
	return cc_cell_mount_resolv_conf(config, err);
}
