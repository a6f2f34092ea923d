/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The session's private mount namespace. Entering makes "/" a recursive
 * slave first, so nothing mounted in the session ever propagates to the
 * host (pam_namespace's lesson). If a later step fails the process goes
 * back to the namespace it came from and the new one dies with it. */
#ifndef CHATCELL_MOUNT_NS_H
#define CHATCELL_MOUNT_NS_H

#include <stdbool.h>

#include "base/error.h"

struct mount_ns {
	int saved_ns_fd;  /* the namespace we came from */
	int saved_cwd_fd; /* setns() resets the working directory */
	bool entered;
};

int mount_ns_enter(struct mount_ns *ns, struct cc_err *err);

/* After success: keep the new namespace. */
void mount_ns_keep(struct mount_ns *ns);

/* After a failure: return to the old namespace. */
void mount_ns_abandon(struct mount_ns *ns);

#endif
