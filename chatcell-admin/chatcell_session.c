/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcell-session: the PAM client of `chatcell-admin run` and `shell` when
 * the caller has a terminal (without one, chatcell-admin runs the same
 * session in its own process: see cmd_run.c). A program of its own so that
 * the pty monitor, which lives on as the chat, holds nothing of
 * chatcell-admin's memory.
 *
 *   chatcell-session [--login] USER [-- COMMAND [ARGS...]]
 *
 * What the session does and its exit status: session_client.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sanitizer_cell.h"
#include "base/std_fds.h"
#include "pam_service_check.h"
#include "session_client.h"
#include "session_exec.h"

int main(int argc, char **argv)
{
	const char *who = getenv("CHATCELL_SESSION_CALLER");
	struct cc_err err = {0};
	bool login_shell = argc > 1 && strcmp(argv[1], "--login") == 0;
	int first = login_shell ? 2 : 1;

	if (!who || !*who)
		who = "chatcell-session";
	if (cc_std_fds_open() < 0)
		return EXIT_SESSION_FAILED;
	unsetenv("CHATCELL_SESSION_CALLER");
	if (argc <= first || (!login_shell && (argc < first + 3 || strcmp(argv[first + 1], "--") != 0))) {
		fprintf(stderr, "usage: chatcell-session --login USER | chatcell-session USER -- COMMAND [ARGS...]\n");
		return EXIT_SESSION_FAILED;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "%s: must run as root\n", who);
		return EXIT_SESSION_FAILED;
	}
	/* As chatcell-admin does before it runs this: root may run it itself. */
	if (pam_service_check(&err) < 0) {
		fprintf(stderr, "%s: %s\n", who, err.msg);
		return EXIT_SESSION_FAILED;
	}
	return cc_session_start(who, argv[first], login_shell, login_shell ? NULL : argv + first + 2, true);
}
