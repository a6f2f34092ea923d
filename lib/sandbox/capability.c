/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sandbox/capability.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int cc_capability_drop(int cap, const char *name, struct cc_err *err)
{
	struct __user_cap_header_struct head = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	const unsigned i = CAP_TO_INDEX(cap);
	const __u32 bit = CAP_TO_MASK(cap);

	if (syscall(SYS_capget, &head, data) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read the login's capabilities (capget)");
	data[i].effective &= ~bit, data[i].permitted &= ~bit, data[i].inheritable &= ~bit;
	if (syscall(SYS_capset, &head, data) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot give up %s (capset)", name);
	/* The ambient set may only hold what is permitted: it lost it too.
	 * The bounding set needs CAP_SETPCAP; without it (a container), an
	 * exec still cannot bring the capability back, since no_new_privs
	 * keeps the permitted set from growing. */
	(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
	return 0;
}
