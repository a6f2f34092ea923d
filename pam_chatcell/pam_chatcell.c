/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pam_chatcell.so: the PAM module in the stacks of every login on the host.
 * For a user whose name cannot be a chat (it does not end in 12 hex
 * digits) every entry point returns PAM_IGNORE without a system call and
 * without loading anything: such a login maps nothing of chatcell's but
 * this small module, which links only libc and libpam. For the others it
 * loads chatcell's session library, CHATCELL_SESSION_LIBRARY (root-owned,
 * in chatcell's private library directory), and hands the call over; if
 * the library cannot be loaded, the login is refused. See pam_chatcell(8). */
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <string.h>
#include <syslog.h>

#include "base/library_loader.h"
#include "pam_chatcell/session_library.h"
#include "view/view_format.h"

#ifndef CHATCELL_SESSION_LIBRARY
#define CHATCELL_SESSION_LIBRARY CHATCELL_PKGLIB_DIR "/libchatcell-session.so"
#endif

typedef int (*pam_entry)(pam_handle_t *pamh, int flags, int argc, const char **argv);

enum entry { ENTRY_ACCOUNT, ENTRY_OPEN, ENTRY_CLOSE, ENTRY_COUNT };

static const char *const entry_names[ENTRY_COUNT] = {"chatcell_session_acct_mgmt", "chatcell_session_open",
						     "chatcell_session_close"};

/* Loaded once per process and kept: the library is never unloaded. */
static pam_entry entries[ENTRY_COUNT];

static int load(pam_handle_t *pamh)
{
	void *found[ENTRY_COUNT] = {NULL};
	const char *why = NULL;

	if (entries[ENTRY_ACCOUNT])
		return 0;
	if (cc_load_library(CHATCELL_SESSION_LIBRARY, entry_names, ENTRY_COUNT, found, &why) < 0) {
		pam_syslog(pamh, LOG_ERR, "cannot load %s: %s; logins of chat users are refused until it is reinstalled",
			   CHATCELL_SESSION_LIBRARY, why ? why : "unknown error");
		return -1;
	}
	/* POSIX guarantees a function pointer survives dlsym's void *. */
	for (int i = 0; i < ENTRY_COUNT; i++)
		memcpy(&entries[i], &found[i], sizeof(entries[i]));
	return 0;
}

/* The user, if its name may be a chat; NULL for everyone else. */
static const char *maybe_chat(pam_handle_t *pamh)
{
	const void *user = NULL;

	if (pam_get_item(pamh, PAM_USER, &user) != PAM_SUCCESS || !user)
		return NULL;
	return cc_view_name_has_chat_shape(user) ? user : NULL;
}

static int dispatch(enum entry which, int refused, pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *user = maybe_chat(pamh);

	if (!user)
		return PAM_IGNORE;
	if (load(pamh) < 0) {
		if (which != ENTRY_CLOSE)
			pam_error(pamh, "chatcell: cannot check %s; logins are refused (see the system log)", user);
		return refused;
	}
	return entries[which](pamh, flags, argc, argv);
}

PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return dispatch(ENTRY_ACCOUNT, PAM_AUTHINFO_UNAVAIL, pamh, flags, argc, argv);
}

PAM_EXTERN int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return dispatch(ENTRY_OPEN, PAM_SESSION_ERR, pamh, flags, argc, argv);
}

PAM_EXTERN int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	return dispatch(ENTRY_CLOSE, PAM_SESSION_ERR, pamh, flags, argc, argv);
}
