/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fs/chat_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The longest pause between two tries of a bounded wait. */
#define RETRY_MAX_MS 32

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

static int64_t monotonic_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int cc_chat_lock_within(int lock_fd, uint32_t uid, int timeout_ms)
{
	int64_t deadline = monotonic_ms() + timeout_ms;
	long pause_ms = 1;

	/* Tries, not a blocking wait: a blocking lock cannot be given a timeout
	 * without a signal, and a PAM module must not take the program's. */
	for (;;) {
		int rc = set_lock(lock_fd, uid, F_WRLCK, false);
		int64_t left = deadline - monotonic_ms();
		struct timespec pause;

		if (rc != -EAGAIN)
			return rc;
		if (left <= 0)
			return -ETIMEDOUT;
		if (pause_ms > left)
			pause_ms = (long)left;
		pause.tv_sec = 0;
		pause.tv_nsec = pause_ms * 1000000L;
		nanosleep(&pause, NULL);
		if (pause_ms < RETRY_MAX_MS)
			pause_ms *= 2;
	}
}

void cc_chat_unlock(int lock_fd, uint32_t uid)
{
	set_lock(lock_fd, uid, F_UNLCK, false);
}
