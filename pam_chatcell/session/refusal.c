/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "refusal.h"

#include <security/pam_ext.h>
#include <string.h>
#include <syslog.h>

/* The reason a step gave, or a fallback: a refusal always says something. */
static const char *reason(const struct chat_user *cu)
{
	return cu->err.msg[0] ? cu->err.msg : "failed without saying why (a bug in chatcell: please report it)";
}

int refuse_unchecked(pam_handle_t *pamh, const struct chat_user *cu)
{
	pam_error(pamh, "chatcell: cannot check %s; logins are refused (see the system log)", cu->user);
	pam_syslog(pamh, LOG_ERR, "refusing %s: %s", cu->user, reason(cu));
	return PAM_AUTHINFO_UNAVAIL;
}

int refuse_session(pam_handle_t *pamh, const struct chat_user *cu, int status)
{
	pam_error(pamh, "chatcell: cannot set up a confined session for %s (see the system log)", cu->user);
	pam_syslog(pamh, LOG_ERR, "refusing a session for %s: %s", cu->user, reason(cu));
	return status;
}

int refuse_inactive(pam_handle_t *pamh, const struct chat_user *cu, enum chat_user_verdict verdict,
		    int suspended_status, int unknown_status)
{
	if (verdict == CHAT_USER_SUSPENDED) {
		pam_error(pamh, "chatcell: %s is suspended; logins are refused until an administrator resumes it",
			  cu->user);
		pam_syslog(pamh, LOG_NOTICE, "refusing %s: the chat is suspended (chatcell-admin resume)", cu->user);
		return suspended_status;
	}
	pam_error(pamh, "chatcell: %s is not a registered chat; logins are refused", cu->user);
	pam_syslog(pamh, LOG_NOTICE,
		   "refusing %s: its UID is in the chat range but the registry has no live chat for it", cu->user);
	return unknown_status;
}

bool is_user_manager(pam_handle_t *pamh)
{
	const void *service = NULL;

	return pam_get_item(pamh, PAM_SERVICE, &service) == PAM_SUCCESS && service &&
	       strcmp(service, "systemd-user") == 0;
}

int refuse_user_manager(pam_handle_t *pamh, const struct chat_user *cu)
{
	pam_syslog(pamh, LOG_NOTICE, "refusing a systemd user manager for %s: chats run none (user@.service)",
		   cu->user);
	return PAM_SESSION_ERR;
}
