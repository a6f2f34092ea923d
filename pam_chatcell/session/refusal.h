/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The words of a refused login, the same from both session libraries: one
 * line for the user (pam_error), one for the administrator's log. */
#ifndef CHATCELL_REFUSAL_H
#define CHATCELL_REFUSAL_H

#include <security/pam_modules.h>
#include <stdbool.h>

#include "chat_user.h"

/* The account stage could not decide: PAM_AUTHINFO_UNAVAIL. */
int refuse_unchecked(pam_handle_t *pamh, const struct chat_user *cu);

/* The session could not be set up: `status`. */
int refuse_session(pam_handle_t *pamh, const struct chat_user *cu, int status);

/* A suspended chat, or a UID of the chat range the registry does not know. */
int refuse_inactive(pam_handle_t *pamh, const struct chat_user *cu, enum chat_user_verdict verdict,
		    int suspended_status, int unknown_status);

/* systemd's user manager (user@UID.service, PAM service "systemd-user"):
 * its processes would be systemd's, outside every confinement. */
bool is_user_manager(pam_handle_t *pamh);
int refuse_user_manager(pam_handle_t *pamh, const struct chat_user *cu);

#endif
