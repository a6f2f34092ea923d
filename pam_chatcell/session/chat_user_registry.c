/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "chat_user.h"

#include <string.h>
#include <unistd.h>

#include "base/trusted_dir.h"

/* The registry is opened in place (in `keep` when the caller keeps it):
 * a session handle must not be copied. */
static enum chat_user_verdict from_registry(struct chat_user *cu, struct cc_registry *keep)
{
	struct cc_registry local = {0};
	struct cc_registry *reg = keep ? keep : &local;
	enum chat_user_verdict verdict;
	int state_fd, found;

	state_fd = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, &cu->err);
	if (state_fd < 0)
		return CHAT_USER_ERROR;
	if (cc_registry_open_session(reg, state_fd, CHATCELL_STATE_DIR, &cu->err) < 0) {
		close(state_fd);
		return CHAT_USER_ERROR;
	}
	close(state_fd);
	found = cc_chats_find_by_uid(reg, cu->uid, &cu->chat, &cu->err);
	if (found < 0)
		verdict = CHAT_USER_ERROR;
	else if (!found || cu->chat.state == CC_STATE_DELETED || strcmp(cu->chat.name, cu->user) != 0)
		verdict = CHAT_USER_UNKNOWN;
	else if (cu->chat.state == CC_STATE_SUSPENDED)
		verdict = CHAT_USER_SUSPENDED;
	else
		verdict = CHAT_USER_ACTIVE;
	if (!keep || verdict == CHAT_USER_ERROR)
		cc_registry_close(reg);
	return verdict;
}

enum chat_user_verdict chat_user_check(pam_handle_t *pamh, const char *config_path, struct chat_user *cu,
				       struct cc_registry *registry)
{
	int identified = chat_user_identify(pamh, config_path, cu);

	if (identified <= 0)
		return identified < 0 ? CHAT_USER_ERROR : CHAT_USER_NOT_A_CHAT;
	return from_registry(cu, registry);
}
