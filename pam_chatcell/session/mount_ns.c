/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mount_ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

int mount_ns_enter(struct mount_ns *ns, struct cc_err *err)
{
	ns->entered = false;
	ns->saved_cwd_fd = -1;
	ns->saved_ns_fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (ns->saved_ns_fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open /proc/self/ns/mnt (is /proc mounted?)");
	ns->saved_cwd_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (unshare(CLONE_NEWNS) < 0) {
		int saved = errno;

		mount_ns_keep(ns);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot create a mount namespace (unshare)");
	}
	ns->entered = true;
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) {
		int saved = errno;

		mount_ns_abandon(ns);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot make / a recursive slave mount");
	}
	return 0;
}

void mount_ns_keep(struct mount_ns *ns)
{
	if (ns->saved_ns_fd >= 0)
		close(ns->saved_ns_fd);
	if (ns->saved_cwd_fd >= 0)
		close(ns->saved_cwd_fd);
	ns->saved_ns_fd = ns->saved_cwd_fd = -1;
}

void mount_ns_abandon(struct mount_ns *ns)
{
	if (ns->entered && ns->saved_ns_fd >= 0) {
		setns(ns->saved_ns_fd, CLONE_NEWNS);
		if (ns->saved_cwd_fd >= 0)
			(void)!fchdir(ns->saved_cwd_fd);
	}
	ns->entered = false;
	mount_ns_keep(ns);
}
