/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* run and shell: resolve the chat, start its cell if none runs, then open
 * the chat's session through the PAM service "chatcell", whose pam_chatcell
 * joins the cell, and start the command or login shell in it (see
 * session_client.h). Without a terminal on 0, 1 or 2 (a bot, a script)
 * the session runs in this process, from libchatcell-run.so: one program
 * start less. With one it runs in chatcell-session, whose pty monitor
 * lives on as the chat and must hold nothing of this process's memory.
 * Exit status: the command's, or 125 when chatcell-admin or the session
 * fails, 126 when the command cannot be run, 127 when it is not found (as
 * env(1) does). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "base/library_loader.h"
#include "cell/cell.h"
#include "commands.h"
#include "lifecycle.h"
#include "pam_service_check.h"
#include "recovery.h"
#include "run_target.h"
#include "session_client.h"
#include "view/view_read.h"
#include "view/view_write.h"

#define SESSION_PROGRAM CHATCELL_LIBEXEC_DIR "/chatcell-session"
#define SESSION_LIBRARY CHATCELL_PKGLIB_DIR "/libchatcell-run.so"

/* The chat must resolve for the session to start: a view without its
 * entries (or its parameters) is chatcell's to fix, not nsswitch.conf. */
static int check_view(struct admin *a, const struct cc_chat *chat)
{
	struct cc_view_params params;

	if (cc_view_read_params(&params) < 0)
		return cc_fail(&a->err, CC_ERR_CONFIG,
			       "the NSS view %s has no valid parameters record, so no chat resolves; run "
			       "'chatcell-admin repair' to rebuild the view from the registry",
			       CC_VIEW_DIR);
	if (!cc_view_chat_published(a->view_fd, chat->name, chat->uid))
		return cc_fail(&a->err, CC_ERR_CONFIG,
			       "%s (uid %u) has no entries in the NSS view %s, so it does not resolve and cannot log "
			       "in; run 'chatcell-admin repair' to rebuild the view from the registry",
			       chat->name, chat->uid, CC_VIEW_DIR);
	return 0;
}

/* A chat without a running cell gets it here, as `ensure --start` makes
 * it: this process has the registry open and the libraries loaded that the
 * session would load again to start it. The session then joins it. A chat
 * that is not active is left to the session, which refuses it. */
static int cell_ready(struct admin *a, const struct cc_chat *chat)
{
	struct cc_cell cell;
	int found;

	if (chat->state != CC_STATE_ACTIVE)
		return 0;
	found = cc_cell_find(chat->uid, &cell, &a->err);
	if (found > 0)
		cc_cell_close(&cell);
	return found == 0 ? lifecycle_start_cell(a, chat) : found;
}

static bool caller_has_terminal(void)
{
	return isatty(STDIN_FILENO) || isatty(STDOUT_FILENO) || isatty(STDERR_FILENO);
}

/* The session in this process. Called with the registry closed. */
static int session_here(struct admin *a, const char *user, bool login_shell)
{
	static const char *const entry[] = {CC_SESSION_START_SYMBOL};
	void *symbol;
	const char *why;

	if (cc_load_library(SESSION_LIBRARY, entry, 1, &symbol, &why) < 0)
		return cc_fail(&a->err, CC_ERR_CONFIG, "cannot load %s: %s; reinstall chatcell", SESSION_LIBRARY, why);
#ifdef __SANITIZE_ADDRESS__
	/* Now: the exit-time check would run inside the chat's cell (see
	 * base/sanitizer_cell.h). */
	__lsan_do_leak_check();
#endif
	fflush(NULL);
	return ((cc_session_start_fn *)symbol)(login_shell ? "chatcell-admin shell" : "chatcell-admin run", user,
					       login_shell, login_shell ? NULL : a->opt.argv, false);
}

static int start(struct admin *a, bool login_shell)
{
	struct chat_target t;
	struct cc_chat chat;
	char **args;
	int n = 0;

	if (pam_service_check(&a->err) < 0 || run_target_read(a, &t, login_shell) < 0 ||
	    admin_find_target(a, &t, &chat) <= 0 ||
	    recovery_settle(a, &chat) < 0 || check_view(a, &chat) < 0 || cell_ready(a, &chat) < 0)
		return -1;
	recovery_warn(a); /* this process becomes the chat's session: say it now */
	admin_close(a);   /* no registry handle or lock may reach the chat's process */
	if (!caller_has_terminal())
		return session_here(a, chat.name, login_shell);
	args = calloc((size_t)a->opt.argc + 5, sizeof(*args));
	if (!args)
		return cc_fail_errno(&a->err, CC_ERR_SYSTEM, ENOMEM, "starting the session");
	args[n++] = (char *)"chatcell-session";
	if (login_shell)
		args[n++] = (char *)"--login";
	args[n++] = chat.name;
	if (!login_shell) {
		args[n++] = (char *)"--";
		for (int i = 0; i < a->opt.argc; i++)
			args[n++] = a->opt.argv[i];
	}
	args[n] = NULL;
	setenv("CHATCELL_SESSION_CALLER", login_shell ? "chatcell-admin shell" : "chatcell-admin run", 1);
	execv(SESSION_PROGRAM, args);
	free(args);
	return cc_fail_errno(&a->err, CC_ERR_SYSTEM, errno, "cannot run %s", SESSION_PROGRAM);
}

int cmd_run(struct admin *a)
{
	return start(a, false);
}

int cmd_shell(struct admin *a)
{
	return start(a, true);
}
