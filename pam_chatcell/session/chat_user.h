/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Is the PAM user a chat, and may it log in? The cheapest test comes first:
 * a name that cannot be a chat is answered without reading anything, a
 * user outside the chat range after chatcell.conf and NSS. */
#ifndef CHATCELL_CHAT_USER_H
#define CHATCELL_CHAT_USER_H

#include <security/pam_modules.h>

#include "db/chats.h"
#include "config/conf.h"
#include "db/registry.h"

enum chat_user_verdict {
	CHAT_USER_NOT_A_CHAT, /* PAM_IGNORE: someone else's business */
	CHAT_USER_ACTIVE,     /* a chat that may log in */
	CHAT_USER_SUSPENDED,  /* refused, with the suspension message */
	CHAT_USER_UNKNOWN,    /* UID in the chat range the registry does not know, or deleted */
	CHAT_USER_ERROR,      /* could not decide: fail closed */
};

struct chat_user {
	const char *user;
	uint32_t uid;
	struct cc_config config;
	struct cc_chat chat;
	struct cc_err err;
};

/* Whether PAM_USER is a user of the chat range, without the registry
 * (chat_user.c): 1 (cu->user, uid and config set), 0 not a chat, -1 could
 * not tell (cu->err). */
int chat_user_identify(pam_handle_t *pamh, const char *config_path, struct chat_user *cu);

/* The longest a login waits for the chat's work lock (pam_chatcell(8)). */
#define SESSION_LOCK_WAIT_MS 10000

/* Take the chat's work lock (the one chatcell-admin holds while it
 * suspends, deletes or changes the chat), waiting at most
 * SESSION_LOCK_WAIT_MS for it: its descriptor
 * (closing it releases the lock), or -1 (cu->err). */
int chat_user_lock(struct chat_user *cu);

/* Decide for PAM_USER from the registry (chat_user_registry.c). With
 * `registry` the caller keeps the open registry (to record the login);
 * otherwise it is closed. */
enum chat_user_verdict chat_user_check(pam_handle_t *pamh, const char *config_path, struct chat_user *cu,
				       struct cc_registry *registry);

#endif
