/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "chat_user.h"

#include <errno.h>
#include <pwd.h>
#include <security/pam_modutil.h>
#include <string.h>
#include <unistd.h>

#include "base/trusted_dir.h"
#include "fs/chat_lock.h"
#include "view/view_format.h"

int chat_user_identify(pam_handle_t *pamh, const char *config_path, struct chat_user *cu)
{
	struct passwd *pw;
	const void *item = NULL;

	memset(cu, 0, sizeof(*cu));
	if (pam_get_item(pamh, PAM_USER, &item) != PAM_SUCCESS || !item)
		return 0;
	cu->user = item;
	/* No system call for names that cannot be chats. */
	if (!cc_view_name_has_chat_shape(cu->user))
		return 0;
	if (cc_config_load(&cu->config, config_path, &cu->err) < 0)
		return -1;
	if (!cc_view_name_matches_prefix(cu->user, cu->config.user_prefix))
		return 0;
	pw = pam_modutil_getpwnam(pamh, cu->user);
	if (!pw || pw->pw_uid < cu->config.uid_min || pw->pw_uid > cu->config.uid_max)
		return 0;
	cu->uid = pw->pw_uid;
	return 1;
}

int chat_user_lock(struct chat_user *cu)
{
	int state_fd = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, &cu->err), lock_fd, rc;

	if (state_fd < 0)
		return -1;
	lock_fd = cc_chat_lock_open(state_fd, &cu->err);
	close(state_fd);
	if (lock_fd < 0)
		return -1;
	rc = cc_chat_lock_within(lock_fd, cu->uid, SESSION_LOCK_WAIT_MS);
	if (rc == -ETIMEDOUT)
		cc_fail(&cu->err, CC_ERR_SYSTEM,
			"the work lock of %s stayed held for %d s (a chatcell-admin command is changing the chat, or "
			"hangs); try the login again",
			cu->user, SESSION_LOCK_WAIT_MS / 1000);
	else if (rc < 0)
		cc_fail_errno(&cu->err, CC_ERR_SYSTEM, -rc, "cannot take the work lock of %s", cu->user);
	if (rc < 0) {
		close(lock_fd);
		return -1;
	}
	return lock_fd;
}
