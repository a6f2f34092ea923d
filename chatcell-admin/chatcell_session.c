/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcell-session: the PAM client behind `chatcell-admin run` and
 * `chatcell-admin shell`. It starts a command, or a login shell, as a chat
 * through the PAM service "chatcell" (/etc/pam.d/chatcell), so it gets
 * exactly the confinement of any other login of that chat, and refuses to
 * start anything if pam_chatcell did not confine the session. A program of
 * its own so that chatcell-admin's other commands never load libpam.
 *
 *   chatcell-session [--login] USER [-- COMMAND [ARGS...]]
 *
 * The command never gets the caller's terminal or any descriptor above 2
 * (see session_run.h). Exit status: the command's, or 125 when the session
 * cannot be set up, 126 when the command cannot be run, 127 when it is not
 * found. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <security/pam_misc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/sanitizer_cell.h"
#include "session_run.h"

#define CHATCELL_PAM_SERVICE "chatcell"

/* The command in the open session, plain or through a terminal of its own. */
static int run_command(struct chat_exec *x, struct session_pty *pty, bool use_pty)
{
	int sigfd, status;

	fflush(NULL);
	sigfd = session_signals_take(x);
	if (sigfd < 0) {
		fprintf(stderr, "%s: cannot prepare signal forwarding: %s\n", x->who, strerror(errno));
		return EXIT_SESSION_FAILED;
	}
	status = use_pty ? session_run_pty(pty, x, sigfd) : session_run_plain(x, sigfd);
	close(sigfd);
	sigprocmask(SIG_SETMASK, &x->caller_mask, NULL);
	return status;
}

/* The PAM conversation of the session, then the command. Errors are
 * printed with the prefix of the command the caller ran. */
static int run_session(struct chat_exec *x)
{
	struct pam_conv conv = {misc_conv, NULL};
	struct session_pty pty;
	bool use_pty = session_pty_wanted(&pty);
	int rc, status = EXIT_SESSION_FAILED;
	const char *user = x->pw->pw_name;

	rc = pam_start(CHATCELL_PAM_SERVICE, user, &conv, &x->pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "%s: cannot start PAM for service %s: %s\n", x->who, CHATCELL_PAM_SERVICE,
			pam_strerror(x->pamh, rc));
		return EXIT_SESSION_FAILED;
	}
	rc = pam_acct_mgmt(x->pamh, 0);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "%s: %s may not log in: %s\n", x->who, user, pam_strerror(x->pamh, rc));
		goto end;
	}
	rc = pam_open_session(x->pamh, 0);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "%s: the session of %s was refused: %s (see the system log)\n", x->who, user,
			pam_strerror(x->pamh, rc));
		goto end;
	}
	if (!pam_getenv(x->pamh, "CHATCELL_SESSION")) {
		fprintf(stderr,
			"%s: /etc/pam.d/%s did not run pam_chatcell.so in its session stack; refusing to run %s "
			"unconfined. Restore the file from the chatcell package\n",
			x->who, CHATCELL_PAM_SERVICE, user);
		goto close;
	}
	/* The chat's terminal is one of its cell's ptys: the cell's devpts
	 * is this process's since the session joined the cell. */
	if (!use_pty || session_pty_open(&pty, x) == 0)
		status = run_command(x, &pty, use_pty);
close:
	pam_close_session(x->pamh, 0);
end:
	if (pty.master >= 0)
		close(pty.master);
	if (pty.slave >= 0)
		close(pty.slave);
	pam_end(x->pamh, rc);
	return status;
}

/* 0, 1 and 2 open, so nothing this program opens is taken for them. */
static int standard_fds_open(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *who = getenv("CHATCELL_SESSION_CALLER");
	bool login_shell = argc > 1 && strcmp(argv[1], "--login") == 0;
	int first = login_shell ? 2 : 1;
	struct chat_exec x = {.who = who, .login_shell = login_shell};
	struct passwd *pw, chat;
	int status;

	if (!who || !*who)
		who = "chatcell-session";
	x.who = who;
	if (standard_fds_open() < 0)
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
	pw = getpwnam(argv[first]);
	if (!pw) {
		/* chatcell-admin checked the NSS view has it: the lookup is not asking chatcell. */
		fprintf(stderr,
			"%s: %s does not resolve although chatcell's NSS view has it; is 'chatcell' on the passwd line "
			"of /etc/nsswitch.conf?\n",
			who, argv[first]);
		return EXIT_SESSION_FAILED;
	}
	/* getpwnam's storage is shared with whatever PAM modules look up. */
	chat = *pw;
	chat.pw_name = strdup(pw->pw_name);
	chat.pw_dir = strdup(pw->pw_dir);
	chat.pw_shell = strdup(pw->pw_shell);
	chat.pw_passwd = chat.pw_gecos = (char *)"";
	if (!chat.pw_name || !chat.pw_dir || !chat.pw_shell) {
		fprintf(stderr, "%s: out of memory\n", who);
		status = EXIT_SESSION_FAILED;
	} else {
		x.pw = &chat;
		x.argv = login_shell ? NULL : argv + first + 2;
		status = run_session(&x);
	}
	free(chat.pw_name);
	free(chat.pw_dir);
	free(chat.pw_shell);
	return status;
}

