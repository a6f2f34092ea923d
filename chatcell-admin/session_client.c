/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session_client.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

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
	session_signals_give_back(x);
	return status;
}

#define PIN_MAX 256

struct loaded {
	const char *name[PIN_MAX];
	size_t count;
};

static int note_library(struct dl_phdr_info *info, size_t size, void *data)
{
	struct loaded *l = data;

	if (info->dlpi_name && info->dlpi_name[0] == '/' && l->count < PIN_MAX)
		l->name[l->count++] = info->dlpi_name;
	return 0;
}

/* The process ends with the session: the libraries PAM loaded stay mapped
 * through pam_end rather than each be unmapped just before the exit does
 * it at once (about 1 ms here). Listed first, pinned after: dlopen is not
 * called from inside the loader's own walk. */
static void pin_libraries(void)
{
	struct loaded l = {.count = 0};

	dl_iterate_phdr(note_library, &l);
	for (size_t i = 0; i < l.count; i++)
		(void)dlopen(l.name[i], RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
}

/* The session's open and close in the system log, as pam_unix writes them
 * for other services: the chatcell service lists no pam_unix, which did
 * nothing else there and loaded libcrypt, libselinux and libpcre2 into
 * every run (0.5 ms). The log socket is connected, and the caller's login
 * name (its audit login UID's, as pam_unix takes it) read, before the
 * session joins the cell, so both lines reach the host's /dev/log. */
static char caller_login[LOGIN_NAME_MAX + 1];

static void log_session_open(void)
{
	if (getlogin_r(caller_login, sizeof(caller_login)) != 0)
		caller_login[0] = '\0';
	openlog(NULL, LOG_NDELAY, LOG_AUTHPRIV);
}

static void log_session(const struct chat_exec *x, const char *what)
{
	syslog(LOG_AUTHPRIV | LOG_INFO, "%s: session %s for user %s(uid=%u) by %s(uid=%u)", x->who, what,
	       x->pw->pw_name, (unsigned)x->pw->pw_uid, caller_login, (unsigned)getuid());
}

/* The session's conversation. run and shell only call the account and
 * session stacks, where nobody is asked anything: a module's messages go
 * to stderr (never into the command's output), and a prompt is refused
 * rather than read from the caller's input, which belongs to the chat's
 * command. libpam_misc's conversation would also cost a library load in
 * every run. */
static int session_conv(int count, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)data;
	*resp = NULL;
	if (count <= 0 || count > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	for (int i = 0; i < count; i++)
		if (msg[i]->msg_style != PAM_ERROR_MSG && msg[i]->msg_style != PAM_TEXT_INFO)
			return PAM_CONV_ERR;
	/* Empty answers, as libpam_misc gives: a module may read them. */
	*resp = calloc((size_t)count, sizeof(**resp));
	if (!*resp)
		return PAM_BUF_ERR;
	for (int i = 0; i < count; i++)
		fprintf(stderr, "%s\n", msg[i]->msg ? msg[i]->msg : "");
	return PAM_SUCCESS;
}

/* The PAM conversation of the session, then the command. Errors are
 * printed with the prefix of the command the caller ran. */
static int run_session(struct chat_exec *x, bool terminal_allowed)
{
	struct pam_conv conv = {session_conv, NULL};
	struct session_pty pty;
	bool use_pty = session_pty_wanted(&pty);
	int rc, status = EXIT_SESSION_FAILED;
	const char *user = x->pw->pw_name;

	if (use_pty && !terminal_allowed) {
		fprintf(stderr, "%s: a terminal is on the caller's descriptors, and only chatcell-session relays one\n",
			x->who);
		return EXIT_SESSION_FAILED;
	}

	/* The service is read from chatcell's own directory, whose fallback
	 * stack "other" denies everything: libpam reads a service's "other"
	 * along with it, and the host's /etc/pam.d/other (on Debian all of
	 * common-*) would load modules into every session for types this
	 * service never calls (about 0.3 ms here). */
	rc = pam_start_confdir(CHATCELL_PAM_SERVICE, user, &conv, CHATCELL_PAM_DIR, &x->pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "%s: cannot start PAM for service %s (%s/%s): %s\n", x->who, CHATCELL_PAM_SERVICE,
			CHATCELL_PAM_DIR, CHATCELL_PAM_SERVICE, pam_strerror(x->pamh, rc));
		return EXIT_SESSION_FAILED;
	}
	rc = pam_acct_mgmt(x->pamh, 0);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "%s: %s may not log in: %s\n", x->who, user, pam_strerror(x->pamh, rc));
		goto end;
	}
	log_session_open();
	rc = pam_open_session(x->pamh, 0);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "%s: the session of %s was refused: %s (see the system log)\n", x->who, user,
			pam_strerror(x->pamh, rc));
		goto end;
	}
	log_session(x, "opened");
	if (!pam_getenv(x->pamh, "CHATCELL_SESSION")) {
		fprintf(stderr,
			"%s: %s/%s did not run pam_chatcell.so in its session stack; refusing to run %s "
			"unconfined. Restore the file from the chatcell package\n",
			x->who, CHATCELL_PAM_DIR, CHATCELL_PAM_SERVICE, user);
		goto close;
	}
	if (chat_prepare(x) < 0)
		goto close;
	/* The chat's terminal is one of its cell's ptys: the cell's devpts
	 * is this process's since the session joined the cell. */
	if (!use_pty || session_pty_open(&pty, x) == 0)
		status = run_command(x, &pty, use_pty);
close:
	pam_close_session(x->pamh, 0);
	log_session(x, "closed");
end:
	if (pty.master >= 0)
		close(pty.master);
	if (pty.slave >= 0)
		close(pty.slave);
	pin_libraries();
	pam_end(x->pamh, rc);
	chat_prepared_free(x);
	return status;
}

int cc_session_start(const char *who, const char *user, bool login_shell, char **argv, bool terminal_allowed)
{
	struct chat_exec x = {.who = who, .login_shell = login_shell};
	struct passwd *pw, chat;
	int status;

	pw = getpwnam(user);
	if (!pw) {
		/* chatcell-admin checked the NSS view has it: the lookup is not asking chatcell. */
		fprintf(stderr,
			"%s: %s does not resolve although chatcell's NSS view has it; is 'chatcell' on the passwd line "
			"of /etc/nsswitch.conf?\n",
			who, user);
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
		x.argv = login_shell ? NULL : argv;
		status = run_session(&x, terminal_allowed);
	}
	free(chat.pw_name);
	free(chat.pw_dir);
	free(chat.pw_shell);
	return status;
}
