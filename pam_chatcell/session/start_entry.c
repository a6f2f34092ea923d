/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libchatcell-session-start.so: the logins that need the registry, loaded
 * by libchatcell-session.so when the chat has no running cell (the verdict,
 * the limits and the egress allowlist come from the registry, and the cell
 * is started), or its egress table must be rebuilt. See pam_chatcell(8). */
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "chat_user.h"
#include "module_options.h"
#include "refusal.h"
#include "session.h"
#include "base/text_copy.h"
#include "pam_chatcell/session_library.h"

/* What one PAM handle learned about its user at its first stage here, with
 * its registry connection, for the later stages of the same login (account,
 * session, close): the configuration and the registry are read once. The
 * session stage reads the chat again under its work lock all the same. */
struct login_memo {
	struct chat_user cu;
	struct cc_registry reg;
	enum chat_user_verdict verdict;
	char user[CC_NAME_MAX + 1];
};

#define MEMO_KEY "chatcell-login"

static void forget_memo(pam_handle_t *pamh, void *data, int error_status)
{
	struct login_memo *m = data;

	(void)pamh, (void)error_status;
	cc_registry_close(&m->reg);
	free(m);
}

/* The verdict on PAM_USER, from this login's memo or checked now. *cu and
 * *reg are the memo's (valid until pam_end), or `spare`'s when nothing could
 * be kept; reg->db may be NULL. */
static enum chat_user_verdict check_user(pam_handle_t *pamh, const char *config_path, struct login_memo *spare,
					 struct chat_user **cu, struct cc_registry **reg)
{
	const void *data = NULL, *user = NULL;
	struct login_memo *m;

	if (pam_get_item(pamh, PAM_USER, &user) == PAM_SUCCESS && user &&
	    pam_get_data(pamh, MEMO_KEY, &data) == PAM_SUCCESS && data &&
	    strcmp(((const struct login_memo *)data)->user, user) == 0) {
		m = (struct login_memo *)data;
		*cu = &m->cu, *reg = &m->reg;
		return m->verdict;
	}
	*cu = &spare->cu, *reg = &spare->reg;
	m = calloc(1, sizeof(*m));
	if (!m) {
		memset(spare, 0, sizeof(*spare));
		spare->cu.user = user ? user : "?";
		cc_fail(&spare->cu.err, CC_ERR_SYSTEM, "out of memory");
		return CHAT_USER_ERROR;
	}
	m->verdict = chat_user_check(pamh, config_path, &m->cu, &m->reg);
	if (m->verdict == CHAT_USER_NOT_A_CHAT) { /* nothing opened, nothing kept */
		*spare = *m;
		free(m);
		return spare->verdict;
	}
	if (!cc_copy(m->user, sizeof(m->user), m->cu.user) || pam_set_data(pamh, MEMO_KEY, m, forget_memo) != PAM_SUCCESS) {
		/* The registry handle must not be copied (its wait budget is
		 * found through it): closed, and the login refused. */
		cc_registry_close(&m->reg);
		*spare = *m;
		free(m);
		cc_fail(&spare->cu.err, CC_ERR_SYSTEM, "cannot keep the state of this login (out of memory)");
		return spare->verdict = CHAT_USER_ERROR;
	}
	m->cu.user = m->user;
	*cu = &m->cu, *reg = &m->reg;
	return m->verdict;
}

/* The account and session stages: they differ only in what an active chat
 * gets and in the statuses of a refusal. */
static int decide(pam_handle_t *pamh, int argc, const char **argv, bool opening)
{
	struct module_options opt;
	struct login_memo spare;
	struct chat_user *cu;
	struct cc_registry *reg;
	enum chat_user_verdict verdict;
	int status = PAM_SESSION_ERR;

	module_options_parse(pamh, argc, argv, &opt);
	verdict = check_user(pamh, opt.config_path, &spare, &cu, &reg);
	switch (verdict) {
	case CHAT_USER_NOT_A_CHAT:
		status = PAM_IGNORE;
		break;
	case CHAT_USER_ACTIVE:
		status = opening ? session_open(pamh, cu, reg) : PAM_SUCCESS;
		if (status != PAM_SUCCESS)
			refuse_session(pamh, cu, status);
		else if (opt.debug)
			pam_syslog(pamh, LOG_DEBUG, opening ? "confined session opened for %s (new cell or egress rebuilt)"
							    : "%s is an active chat",
				   cu->user);
		break;
	case CHAT_USER_SUSPENDED:
	case CHAT_USER_UNKNOWN:
		status = opening ? refuse_inactive(pamh, cu, verdict, PAM_SESSION_ERR, PAM_SESSION_ERR)
				 : refuse_inactive(pamh, cu, verdict, PAM_ACCT_EXPIRED, PAM_PERM_DENIED);
		break;
	case CHAT_USER_ERROR:
		status = opening ? refuse_session(pamh, cu, PAM_SESSION_ERR) : refuse_unchecked(pamh, cu);
		break;
	}
	if (cu == &spare.cu)
		cc_registry_close(reg);
	return status;
}

int chatcell_session_start_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	return decide(pamh, argc, argv, false);
}

int chatcell_session_start_open(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	return decide(pamh, argc, argv, true);
}

int chatcell_session_start_close(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct module_options opt;
	struct login_memo spare;
	struct chat_user *cu;
	struct cc_registry *reg;
	struct cc_err ignored;

	(void)flags;
	module_options_parse(pamh, argc, argv, &opt);
	if (check_user(pamh, opt.config_path, &spare, &cu, &reg) != CHAT_USER_NOT_A_CHAT && reg->db)
		cc_chats_fold_logins(reg, cu->uid, 0, (int64_t)time(NULL), &ignored);
	if (cu == &spare.cu)
		cc_registry_close(reg);
	return PAM_SUCCESS;
}
