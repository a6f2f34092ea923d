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

int cc_uid_own_session_keyring(uint32_t uid, struct cc_err *err)
{
	uid_t ruid = getuid();
	gid_t rgid = getgid();
	long id = -1;
	int e = 0;

	if (setregid(uid, (gid_t)-1) == 0 && setreuid(uid, (uid_t)-1) == 0)
		id = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL);
	if (id < 0)
		e = errno;
	/* Back to the caller's real IDs; the effective ones never changed. */
	if (setreuid(ruid, (uid_t)-1) < 0 || setregid(rgid, (gid_t)-1) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno,
				     "cannot take back the real UID after making the session's keyring");
	if (id >= 0 || e == ENOSYS)
		return 0;
	if (e == EDQUOT)
		return cc_fail(err, CC_ERR_SYSTEM,
			       "the chat holds as many keys as the kernel allows a user (kernel.keys.maxkeys, maxbytes), "
			       "so its session cannot get a keyring of its own");
	return cc_fail_errno(err, CC_ERR_SYSTEM, e, "cannot give the session a keyring of its own");
}
