/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fs/chat_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cc_chat_lock_open(int state_dirfd, struct cc_err *err)
{
	struct stat st;
	int fd = openat(state_dirfd, CC_CHAT_LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open the lock file %s", CC_CHAT_LOCK_FILE);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077)) {
		close(fd);
		return cc_fail(err, CC_ERR_PERMISSION, "the lock file %s must be a root-owned 0600 file",
			       CC_CHAT_LOCK_FILE);
	}
	return fd;
}

static int set_lock(int lock_fd, uint32_t uid, short type, bool wait)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = (off_t)uid;
	fl.l_len = 1;
	for (;;) {
		if (fcntl(lock_fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &fl) == 0)
			return 0;
		if (errno != EINTR)
			break;
	}
	return errno == EACCES ? -EAGAIN : -errno;
}

int cc_chat_lock(int lock_fd, uint32_t uid, bool wait)
{
	return set_lock(lock_fd, uid, F_WRLCK, wait);
}

void cc_chat_unlock(int lock_fd, uint32_t uid)
{
	set_lock(lock_fd, uid, F_UNLCK, false);
}
