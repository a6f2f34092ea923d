/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/dir_each.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int cc_dir_each(int dirfd, const char *what, cc_dir_visitor visit, void *ctx, struct cc_err *err)
{
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	int rc = 0;

	if (!dir) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot read %s", what);
	}
	rewinddir(dir);
	while (rc == 0) {
		const struct dirent *de;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			if (errno)
				rc = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read %s", what);
			break;
		}
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rc = visit(de->d_name, ctx);
	}
	closedir(dir);
	return rc;
}
