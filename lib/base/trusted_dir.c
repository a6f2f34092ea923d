/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/trusted_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cc_check_trusted_fd(int fd, const char *what, struct cc_err *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot stat %s", what);
	if (!S_ISDIR(st.st_mode))
		return cc_fail(err, CC_ERR_PERMISSION, "%s is not a directory", what);
	if (st.st_uid != 0 || (st.st_mode & 022))
		return cc_fail(err, CC_ERR_PERMISSION,
			       "%s must be owned by root and not writable by group or others "
			       "(owner uid %u, mode %04o); chatcell refuses to work below it",
			       what, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return 0;
}

int cc_open_trusted_subdir(int dirfd, const char *dir_path, const char *name, mode_t create_mode,
			   struct cc_err *err)
{
	char what[512];
	int fd;

	snprintf(what, sizeof(what), "%s%s%s", dir_path, strcmp(dir_path, "/") ? "/" : "", name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create_mode) {
		if (mkdirat(dirfd, name, create_mode) < 0 && errno != EEXIST)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create %s", what);
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* mkdir honours the umask; set the mode we mean. */
		if (fd >= 0 && fchmod(fd, create_mode) < 0) {
			int saved = errno;

			close(fd);
			return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot chmod %s", what);
		}
	}
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return cc_fail(err, CC_ERR_PERMISSION,
				       "%s is a symbolic link or not a directory; chatcell never follows links "
				       "in its own paths",
				       what);
		return cc_fail_errno(err, errno == ENOENT ? CC_ERR_NOT_FOUND : CC_ERR_SYSTEM, errno,
				     "cannot open %s", what);
	}
	if (cc_check_trusted_fd(fd, what, err) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int cc_open_trusted_dir(const char *path, mode_t create_mode, struct cc_err *err)
{
	char done[4096] = "/";
	const char *p = path;
	int fd;

	if (path[0] != '/' || strlen(path) >= sizeof(done))
		return cc_fail(err, CC_ERR_CONFIG, "%s is not an absolute path", path);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open /");
	if (cc_check_trusted_fd(fd, "/", err) < 0)
		goto fail;
	while (*p) {
		char name[256];
		size_t len;
		int next;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len >= sizeof(name)) {
			cc_fail(err, CC_ERR_CONFIG, "a component of %s is too long", path);
			goto fail;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		/* Intermediate directories we create are plain 0755. */
		next = cc_open_trusted_subdir(fd, done, name, create_mode ? (*p ? 0755 : create_mode) : 0, err);
		if (next < 0)
			goto fail;
		close(fd);
		fd = next;
		if (strcmp(done, "/") != 0)
			strncat(done, "/", sizeof(done) - strlen(done) - 1);
		strncat(done, name, sizeof(done) - strlen(done) - 1);
	}
	return fd;
fail:
	close(fd);
	return -1;
}
