/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libchatcell-session.so: the work of pam_chatcell.so for users whose name
 * may be a chat (pam_chatcell.c loads this library for them only). A login
 * into the chat's running cell is done here, without the registry
 * (cell_join.h); anything else, the account verdict without a running
 * cell, a new cell, a vanished egress table, is handed to the session start
 * library, CHATCELL_START_LIBRARY, loaded then. See pam_chatcell(8). */
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <stdbool.h>
#include <string.h>
#include <syslog.h>

#include "cell/cell.h"
#include "cell_join.h"
#include "chat_user.h"
#include "module_options.h"
#include "refusal.h"
#include "session_env.h"
#include "base/library_loader.h"
#include "pam_chatcell/session_library.h"

#ifndef CHATCELL_START_LIBRARY
#define CHATCELL_START_LIBRARY CHATCELL_PKGLIB_DIR "/libchatcell-session-start.so"
#endif

typedef int (*pam_entry)(pam_handle_t *pamh, int flags, int argc, const char **argv);

enum entry { ENTRY_ACCOUNT, ENTRY_OPEN, ENTRY_CLOSE, ENTRY_COUNT };

static const char *const entry_names[ENTRY_COUNT] = {
	"chatcell_session_start_acct_mgmt", "chatcell_session_start_open", "chatcell_session_start_close"};

/* Loaded once per process, when first needed, and kept. */
static pam_entry entries[ENTRY_COUNT];

/* Hand the call to the start library, or refuse with `refused`. */
static int start_path(enum entry which, int refused, pam_handle_t *pamh, int flags, int argc, const char **argv,
		      const struct chat_user *cu)
{
	void *found[ENTRY_COUNT] = {NULL};
	const char *why = NULL;

	if (!entries[ENTRY_ACCOUNT]) {
		if (cc_load_library(CHATCELL_START_LIBRARY, entry_names, ENTRY_COUNT, found, &why) < 0) {
			if (which == ENTRY_ACCOUNT)
				pam_error(pamh, "chatcell: cannot check %s; logins are refused (see the system log)", cu->user);
			else if (which == ENTRY_OPEN)
				pam_error(pamh, "chatcell: cannot set up a confined session for %s (see the system log)",
					  cu->user);
			pam_syslog(pamh, LOG_ERR,
				   "cannot load %s: %s; logins of chats without a running cell are refused until it is "
				   "reinstalled",
				   CHATCELL_START_LIBRARY, why ? why : "unknown error");
			return refused;
		}
		/* POSIX guarantees a function pointer survives dlsym's void *. */
		for (int i = 0; i < ENTRY_COUNT; i++)
			memcpy(&entries[i], &found[i], sizeof(entries[i]));
	}
	return entries[which](pamh, flags, argc, argv);
}

/* The account and session stages: the running cell is checked, or
 * joined; without one the start library decides. */
static int decide(enum entry which, pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const bool opening = which == ENTRY_OPEN;
	struct module_options opt;
	struct chat_user cu;
	int rc;

	module_options_parse(pamh, argc, argv, &opt);
	rc = chat_user_identify(pamh, opt.config_path, &cu);
	if (rc == 0)
		return PAM_IGNORE;
	if (rc > 0 && opening && is_user_manager(pamh))
		return refuse_user_manager(pamh, &cu);
	if (rc > 0)
		rc = opening ? cell_join_session(pamh, &cu) : cell_join_running(&cu);
	if (rc < 0)
		return opening ? refuse_session(pamh, &cu, PAM_SESSION_ERR) : refuse_unchecked(pamh, &cu);
	if (rc == 0)
		return start_path(which, opening ? PAM_SESSION_ERR : PAM_AUTHINFO_UNAVAIL, pamh, flags, argc, argv, &cu);
	if (opt.debug)
		pam_syslog(pamh, LOG_DEBUG,
			   opening ? "confined session opened for %s (its running cell)" : "%s is an active chat (its cell runs)",
			   cu.user);
	return PAM_SUCCESS;
}

int chatcell_session_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return decide(ENTRY_ACCOUNT, pamh, flags, argc, argv);
}

int chatcell_session_open(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return decide(ENTRY_OPEN, pamh, flags, argc, argv);
}

int chatcell_session_close(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct module_options opt;
	struct chat_user cu;

	/* A session this module opened kept its cell record open: its
	 * process may no longer read chatcell.conf (Landlock). */
	if (session_note_logout(pamh))
		return PAM_SUCCESS;
	module_options_parse(pamh, argc, argv, &opt);
	if (chat_user_identify(pamh, opt.config_path, &cu) <= 0)
		return PAM_IGNORE;
	/* Noted in the cell record if there is one; else in the registry. */
	if (cc_cell_note_login(cu.uid, false) > 0)
		return PAM_SUCCESS;
	return start_path(ENTRY_CLOSE, PAM_SUCCESS, pamh, flags, argc, argv, &cu);
}
