/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* run and shell: resolve the chat, start its cell if none runs, then hand
 * over to chatcell-session, the PAM client that starts the command or login
 * shell as the chat through the PAM service "chatcell" (see
 * chatcell_session.c), whose pam_chatcell joins the cell. Exit status: the
 * command's, or 125 when chatcell-admin or the session fails, 126 when the
 * command cannot be run, 127 when it is not found (as env(1) does). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cell/cell.h"
#include "commands.h"
#include "lifecycle.h"
#include "recovery.h"
#include "run_target.h"
#include "view/view_read.h"
#include "view/view_write.h"

#define SESSION_PROGRAM CHATCELL_LIBEXEC_DIR "/chatcell-session"

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

static int start(struct admin *a, bool login_shell)
{
	struct chat_target t;
	struct cc_chat chat;
	char **args;
	int n = 0;

	if (run_target_read(a, &t, login_shell) < 0 || admin_find_target(a, &t, &chat) <= 0 ||
	    recovery_settle(a, &chat) < 0 || check_view(a, &chat) < 0 || cell_ready(a, &chat) < 0)
		return -1;
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
	recovery_warn(a); /* this process becomes the chat's session: say it now */
	admin_close(a);   /* no registry handle or lock may reach the chat's process */
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
