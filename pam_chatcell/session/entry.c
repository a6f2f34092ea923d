/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libchatcell-session.so: the work of pam_chatcell.so for users whose
 * name may be a chat (pam_chatcell.c loads this library for them only).
 * See pam_chatcell(8). */
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <stdbool.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "chat_user.h"
#include "module_options.h"
#include "session.h"
#include "pam_chatcell/session_library.h"

/* The reason a step gave, or a fallback: a refusal always says something. */
static const char *reason(const struct chat_user *cu)
{
	return cu->err.msg[0] ? cu->err.msg : "failed without saying why (a bug in chatcell: please report it)";
}

/* The same words for a chat that may not log in, at either stage: one line
 * for the user, one for the administrator's log. */
static int refuse_inactive(pam_handle_t *pamh, const struct chat_user *cu, enum chat_user_verdict verdict,
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

int chatcell_session_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct module_options opt;
	struct chat_user cu;
	enum chat_user_verdict verdict;

	module_options_parse(pamh, argc, argv, &opt);
	verdict = chat_user_check(pamh, opt.config_path, &cu, NULL);
	switch (verdict) {
	case CHAT_USER_NOT_A_CHAT:
		return PAM_IGNORE;
	case CHAT_USER_ACTIVE:
		if (opt.debug)
			pam_syslog(pamh, LOG_DEBUG, "%s is an active chat", cu.user);
		return PAM_SUCCESS;
	case CHAT_USER_SUSPENDED:
	case CHAT_USER_UNKNOWN:
		return refuse_inactive(pamh, &cu, verdict, PAM_ACCT_EXPIRED, PAM_PERM_DENIED);
	case CHAT_USER_ERROR:
		break;
	}
	pam_error(pamh, "chatcell: cannot check %s; logins are refused (see the system log)", cu.user);
	pam_syslog(pamh, LOG_ERR, "refusing %s: %s", cu.user, reason(&cu));
	return PAM_AUTHINFO_UNAVAIL;
}

/* systemd starts user@UID.service through the "systemd-user" PAM service. */
static bool is_user_manager(pam_handle_t *pamh)
{
	const void *service = NULL;

	return pam_get_item(pamh, PAM_SERVICE, &service) == PAM_SUCCESS && service &&
	       strcmp(service, "systemd-user") == 0;
}

int chatcell_session_open(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct module_options opt;
	struct chat_user cu;
	struct cc_registry reg = {0};
	enum chat_user_verdict verdict;
	int status;

	module_options_parse(pamh, argc, argv, &opt);
	verdict = chat_user_check(pamh, opt.config_path, &cu, &reg);
	switch (verdict) {
	case CHAT_USER_NOT_A_CHAT:
		return PAM_IGNORE;
	case CHAT_USER_ACTIVE:
		break;
	case CHAT_USER_SUSPENDED:
	case CHAT_USER_UNKNOWN:
		cc_registry_close(&reg);
		return refuse_inactive(pamh, &cu, verdict, PAM_SESSION_ERR, PAM_SESSION_ERR);
	case CHAT_USER_ERROR:
		pam_error(pamh, "chatcell: cannot set up a confined session for %s (see the system log)", cu.user);
		pam_syslog(pamh, LOG_ERR, "refusing a session for %s: %s", cu.user, reason(&cu));
		return PAM_SESSION_ERR;
	}
	if (is_user_manager(pamh)) {
		/* Its processes would be systemd's, outside every confinement. */
		cc_registry_close(&reg);
		pam_syslog(pamh, LOG_NOTICE, "refusing a systemd user manager for %s: chats run none (user@.service)",
			   cu.user);
		return PAM_SESSION_ERR;
	}
	status = session_open(pamh, &cu, &reg);
	cc_registry_close(&reg);
	if (status != PAM_SUCCESS) {
		pam_error(pamh, "chatcell: cannot set up a confined session for %s (see the system log)", cu.user);
		pam_syslog(pamh, LOG_ERR, "refusing a session for %s: %s", cu.user, reason(&cu));
		return status;
	}
	if (opt.debug)
		pam_syslog(pamh, LOG_DEBUG, "confined session opened for %s", cu.user);
	return PAM_SUCCESS;
}

int chatcell_session_close(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct module_options opt;
	struct chat_user cu;
	struct cc_registry reg = {0};
	struct cc_err ignored;

	module_options_parse(pamh, argc, argv, &opt);
	if (chat_user_check(pamh, opt.config_path, &cu, &reg) == CHAT_USER_NOT_A_CHAT)
		return PAM_IGNORE;
	if (reg.db) {
		cc_chats_record_session(&reg, cu.uid, false, (int64_t)time(NULL), &ignored);
		cc_registry_close(&reg);
	}
	return PAM_SUCCESS;
}
