/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "disk_reserve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/fs_util.h"

#define RESERVE_PARTIAL DISK_RESERVE_FILE ".new"
#define RESERVE_PROBE DISK_RESERVE_FILE ".probe"

/* Blocks really allocated: posix_fallocate where the filesystem can, else
 * written zeros (glibc's fallback would do the same, slower). */
static int fill(int fd)
{
	static const char zeros[65536];

	if (fallocate(fd, 0, 0, DISK_RESERVE_BYTES) == 0)
		return 0;
	if (errno != EOPNOTSUPP)
		return -1;
	for (unsigned done = 0; done < DISK_RESERVE_BYTES; done += sizeof(zeros))
		if (cc_write_all(fd, zeros, sizeof(zeros)) < 0)
			return -1;
	return 0;
}

int disk_reserve_make(int state_fd, struct cc_err *err)
{
	struct stat st;
	int fd, saved;

	if (fstatat(state_fd, DISK_RESERVE_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISREG(st.st_mode) && st.st_uid == 0)
			return 0;
		return cc_fail(err, CC_ERR_PERMISSION,
			       "%s/%s is not a root-owned regular file; remove it so init can set aside its reserve",
			       CHATCELL_STATE_DIR, DISK_RESERVE_FILE);
	}
	unlinkat(state_fd, RESERVE_PARTIAL, 0);
	fd = openat(state_fd, RESERVE_PARTIAL, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create %s/%s", CHATCELL_STATE_DIR,
				     RESERVE_PARTIAL);
	if (fill(fd) < 0 || fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlinkat(state_fd, RESERVE_PARTIAL, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved,
				     "cannot set aside %u MiB in %s for stopping chats on a full disk",
				     DISK_RESERVE_BYTES >> 20, CHATCELL_STATE_DIR);
	}
	close(fd);
	if (renameat(state_fd, RESERVE_PARTIAL, state_fd, DISK_RESERVE_FILE) < 0) {
		saved = errno;
		unlinkat(state_fd, RESERVE_PARTIAL, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot put %s/%s in place", CHATCELL_STATE_DIR,
				     DISK_RESERVE_FILE);
	}
	return 1;
}

/* Whether `bytes` can still be allocated on the state directory's disk.
 * Free-space figures do not say (ext4 counts blocks it keeps for its own
 * metadata as free), so ask for them and give them back. */
static bool room_for(int state_fd, off_t bytes)
{
	struct statvfs vfs;
	bool room = true;
	int fd;

	unlinkat(state_fd, RESERVE_PROBE, 0);
	fd = openat(state_fd, RESERVE_PROBE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno != ENOSPC && errno != EDQUOT;
	if (fallocate(fd, 0, 0, bytes) < 0) {
		if (errno == EOPNOTSUPP)
			room = fstatvfs(state_fd, &vfs) < 0 || (unsigned long long)vfs.f_bfree * vfs.f_frsize >= (unsigned long long)bytes;
		else
			room = errno != ENOSPC && errno != EDQUOT;
	}
	close(fd);
	unlinkat(state_fd, RESERVE_PROBE, 0);
	return room;
}

void disk_reserve_release_if_full(int state_fd)
{
	if (room_for(state_fd, DISK_RESERVE_BYTES / 2) || unlinkat(state_fd, DISK_RESERVE_FILE, 0) < 0)
		return;
	fprintf(stderr,
		"chatcell-admin: the disk holding %s is full: its %u MiB reserve was released so chats can be stopped; "
		"free space there, then run `chatcell-admin init` to set the reserve aside again\n",
		CHATCELL_STATE_DIR, DISK_RESERVE_BYTES >> 20);
}
