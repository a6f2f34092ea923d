/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "identity/host_key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs_util.h"

int cc_host_key_create(int dirfd, const char *dir_path, struct cc_err *err)
{
	uint8_t key[CC_HOST_KEY_LEN];
	char tmp[64];
	int fd, rc;

	if (faccessat(dirfd, CC_HOST_KEY_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return cc_host_key_load(dirfd, dir_path, key, err);
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot get random bytes for the host key");
	/* Write it whole under a temporary name, then link it in atomically. */
	snprintf(tmp, sizeof(tmp), ".%s.%ld", CC_HOST_KEY_FILE, (long)getpid());
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create %s/%s", dir_path, tmp);
	rc = cc_write_all(fd, key, sizeof(key));
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (rc < 0) {
		int saved = -rc;

		close(fd);
		unlinkat(dirfd, tmp, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot write the host key");
	}
	close(fd);
	if (renameat2(dirfd, tmp, dirfd, CC_HOST_KEY_FILE, RENAME_NOREPLACE) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		if (saved == EEXIST) /* another init won the race: use its key */
			return cc_host_key_load(dirfd, dir_path, key, err);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot install the host key");
	}
	/* The new name must survive a crash too. */
	if (fsync(dirfd) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot make the host key %s/%s durable (fsync)",
				     dir_path, CC_HOST_KEY_FILE);
	return 0;
}

int cc_host_key_load(int dirfd, const char *dir_path, uint8_t key[CC_HOST_KEY_LEN], struct cc_err *err)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = openat(dirfd, CC_HOST_KEY_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return cc_fail(err, CC_ERR_CONFIG,
				       "the host key %s/%s is missing; run 'chatcell-admin init' (or restore the key "
				       "from backup if chats already exist)",
				       dir_path, CC_HOST_KEY_FILE);
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s/%s", dir_path, CC_HOST_KEY_FILE);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) ||
	    st.st_size != CC_HOST_KEY_LEN) {
		close(fd);
		return cc_fail(err, CC_ERR_PERMISSION,
			       "the host key %s/%s must be a root-owned 0600 file of exactly %d bytes; "
			       "restore it from backup",
			       dir_path, CC_HOST_KEY_FILE, CC_HOST_KEY_LEN);
	}
	n = read(fd, key, CC_HOST_KEY_LEN);
	close(fd);
	if (n != CC_HOST_KEY_LEN)
		return cc_fail(err, CC_ERR_SYSTEM, "cannot read the host key %s/%s", dir_path, CC_HOST_KEY_FILE);
	return 0;
}
