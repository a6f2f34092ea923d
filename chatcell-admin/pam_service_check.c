/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pam_service_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/trusted_dir.h"

static int check_file(int dir, const char *name, bool required, struct cc_err *err)
{
	cc_cleanup_close int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 && errno == ENOENT && !required)
		return 0;
	if (fd < 0 && errno == ENOENT)
		return cc_fail(err, CC_ERR_CONFIG, "%s/%s does not exist: it is the PAM service of run and shell; reinstall "
				   "chatcell", CHATCELL_PAM_DIR, name);
	if (fd < 0 || fstat(fd, &st) < 0)
		return cc_fail_errno(err, CC_ERR_CONFIG, errno, "cannot open %s/%s", CHATCELL_PAM_DIR, name);
	if (!cc_root_only_file(&st))
		return cc_fail(err, CC_ERR_PERMISSION,
			       "%s/%s must be a regular file owned by root and not writable by group or others (owner "
			       "uid %u, mode %04o): root runs the modules it names (fix with: chown root:root %s/%s && "
			       "chmod 644 %s/%s)",
			       CHATCELL_PAM_DIR, name, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), CHATCELL_PAM_DIR,
			       name, CHATCELL_PAM_DIR, name);
	return 0;
}

int pam_service_check(struct cc_err *err)
{
	cc_cleanup_close int dir = cc_open_trusted_dir(CHATCELL_PAM_DIR, 0, err);

	if (dir < 0)
		return -1;
	if (check_file(dir, "chatcell", true, err) < 0)
		return -1;
	return check_file(dir, "other", false, err);
}
