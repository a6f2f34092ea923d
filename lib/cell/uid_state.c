/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/uid_state.h"

#include <errno.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child's exit status: 0, or the errno it failed with. */
static int clear_as(uint32_t uid)
{
	static const int keyrings[] = {KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING};

	/* Keyrings are named by the caller's credentials: become the UID. */
	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
		return errno;
	for (size_t i = 0; i < sizeof(keyrings) / sizeof(keyrings[0]); i++)
		if (syscall(SYS_keyctl, KEYCTL_CLEAR, keyrings[i]) < 0 && errno != ENOSYS)
			return errno;
	return 0;
}

int cc_uid_clear_keyrings(uint32_t uid, struct cc_err *err)
{
	pid_t child = fork();
	int status;

	if (child < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot clear the keyrings of uid %u (fork)", uid);
	if (child == 0)
		_exit(clear_as(uid));
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot clear the keyrings of uid %u (wait)", uid);
	if (!WIFEXITED(status))
		return cc_fail(err, CC_ERR_SYSTEM, "clearing the keyrings of uid %u was interrupted", uid);
	if (WEXITSTATUS(status))
		return cc_fail_errno(err, CC_ERR_SYSTEM, WEXITSTATUS(status), "cannot clear the keyrings of uid %u", uid);
	return 0;
}
