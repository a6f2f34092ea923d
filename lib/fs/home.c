/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fs/home.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fs/remove_tree.h"
#include "base/trusted_dir.h"

int cc_home_base_open(const struct cc_config *config, int create, struct cc_err *err)
{
	int fd = cc_open_trusted_dir(config->home_base, create ? 0711 : 0, err);

	if (fd >= 0 && create && fchmod(fd, 0711) < 0) {
		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot chmod %s to 0711", config->home_base);
	}
	return fd;
}

int cc_home_create(int base_fd, const char *home_base, const char *name, uint32_t uid, struct cc_err *err)
{
	struct stat st;
	int made = mkdirat(base_fd, name, 0700) == 0;
	int fd;

	if (!made && errno != EEXIST)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create the home %s/%s", home_base, name);
	fd = openat(base_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_CONFLICT, errno,
				     "%s/%s exists but is not a directory chatcell can use (a link?); move it away",
				     home_base, name);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot stat %s/%s", home_base, name);
	}
	if (st.st_uid != 0 && st.st_uid != uid) {
		close(fd);
		return cc_fail(err, CC_ERR_CONFLICT,
			       "the home %s/%s already exists and belongs to uid %u, not to this chat (uid %u); "
			       "move it away and retry",
			       home_base, name, (unsigned)st.st_uid, uid);
	}
	if (fchown(fd, uid, uid) < 0 || fchmod(fd, 0700) < 0) {
		int saved = errno;

		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot hand %s/%s to uid %u", home_base, name, uid);
	}
	close(fd);
	return made;
}

int cc_home_remove(int base_fd, const char *home_base, const char *name, struct cc_err *err)
{
	int rc = cc_remove_tree_at(base_fd, name);

	if (rc < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot remove the home %s/%s", home_base, name);
	return 0;
}

int cc_home_archive_open(int base_fd, const char *archive_dir, struct cc_err *err)
{
	struct stat base_st, archive_st;
	int fd = cc_open_trusted_dir(archive_dir, 0, err);

	if (fd < 0) {
		if (err->kind == CC_ERR_NOT_FOUND)
			return cc_fail(err, CC_ERR_INVALID,
				       "the archive directory %s does not exist; create it (root-owned, not writable by "
				       "group or others) and retry",
				       archive_dir);
		return -1;
	}
	if (fstat(base_fd, &base_st) < 0 || fstat(fd, &archive_st) < 0) {
		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot stat %s", archive_dir);
	}
	if (base_st.st_dev != archive_st.st_dev) {
		close(fd);
		return cc_fail(err, CC_ERR_INVALID,
			       "the archive directory %s is on another file system than the home base; archiving "
			       "is a rename, so choose a directory on the home base's file system",
			       archive_dir);
	}
	return fd;
}

int cc_home_archive(int base_fd, const char *home_base, const char *name, int archive_fd,
		    const char *archive_dir, struct cc_err *err)
{
	char target[128];
	struct tm tm;
	time_t now = time(NULL);
	int fd;

	gmtime_r(&now, &tm);
	snprintf(target, sizeof(target), "%s-%04d%02d%02dT%02d%02d%02dZ", name, tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (renameat2(base_fd, name, archive_fd, target, RENAME_NOREPLACE) < 0) {
		if (errno == ENOENT)
			return 0;
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot move %s/%s to %s/%s", home_base, name,
				     archive_dir, target);
	}
	/* The archive keeps the files, but no future owner of this UID may
	 * reach them: the top directory becomes root's. */
	fd = openat(archive_fd, target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchown(fd, 0, 0) < 0 || fchmod(fd, 0700) < 0) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot hand %s/%s to root", archive_dir, target);
	}
	close(fd);
	return 0;
}
