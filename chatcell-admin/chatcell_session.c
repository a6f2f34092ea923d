/* chatcell-session: the PAM client behind `chatcell-admin run` and
 * `chatcell-admin shell`. It starts a command, or a login shell, as a chat
 * through the PAM service "chatcell" (/etc/pam.d/chatcell), so it gets
 * exactly the confinement of any other login of that chat, and refuses to
 * start anything if pam_chatcell did not confine the session. A program of
 * its own so that chatcell-admin's other commands never load libpam.
 *
 *   chatcell-session [--login] USER [-- COMMAND [ARGS...]]
 *
 * Exit status: the command's, or 125 when the session cannot be set up,
 * 126 when the command cannot be run, 127 when it is not found. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <security/pam_appl.h>
#include <security/pam_misc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_SESSION_FAILED 125

#define CHATCELL_PAM_SERVICE "chatcell"

static volatile sig_atomic_t forwarded_signal;

static void remember_signal(int sig)
{
	forwarded_signal = sig;
}

/* In the child: become the chat with the session's environment and exec. */
static void become_chat_and_exec(pam_handle_t *pamh, const struct passwd *pw, char **argv, bool login_shell)
{
	char **pam_env = pam_getenvlist(pamh);
	const char *term = getenv("TERM");

	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "chatcell-session: cannot switch to %s: %s\n", pw->pw_name, strerror(errno));
		_exit(EXIT_SESSION_FAILED);
	}
	if (clearenv() != 0)
		_exit(EXIT_SESSION_FAILED);
	setenv("HOME", pw->pw_dir, 1);
	setenv("USER", pw->pw_name, 1);
	setenv("LOGNAME", pw->pw_name, 1);
	setenv("SHELL", pw->pw_shell, 1);
	if (term)
		setenv("TERM", term, 1);
	for (char **e = pam_env; e && *e; e++)
		putenv(*e); /* the session's PATH and markers win */
	if (chdir(pw->pw_dir) < 0) {
		fprintf(stderr, "chatcell-session: cannot enter %s: %s\n", pw->pw_dir, strerror(errno));
		_exit(EXIT_SESSION_FAILED);
	}
	if (login_shell) {
		const char *base = strrchr(pw->pw_shell, '/');
		char shell_arg0[64];

		snprintf(shell_arg0, sizeof(shell_arg0), "-%s", base ? base + 1 : pw->pw_shell);
		execl(pw->pw_shell, shell_arg0, (char *)NULL);
	} else {
		execvp(argv[0], argv);
	}
	{
		int saved = errno;

		fprintf(stderr, "chatcell-session: cannot run %s: %s\n", login_shell ? pw->pw_shell : argv[0],
			strerror(saved));
		_exit(saved == ENOENT ? 127 : 126);
	}
}

/* Wait for the child; SIGTERM and SIGHUP sent to us go to it. */
static int wait_for(pid_t child)
{
	struct sigaction forward = {.sa_handler = remember_signal}, ignore = {.sa_handler = SIG_IGN};
	int status;

	sigaction(SIGTERM, &forward, NULL);
	sigaction(SIGHUP, &forward, NULL);
	sigaction(SIGINT, &ignore, NULL); /* the terminal's ^C belongs to the child */
	sigaction(SIGQUIT, &ignore, NULL);
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			return EXIT_SESSION_FAILED;
		if (forwarded_signal)
			kill(child, forwarded_signal);
		forwarded_signal = 0;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* The PAM conversation of the session, then the command. Errors are
 * printed with the prefix of the command the caller ran. */
static int run_session(const char *who, const struct passwd *pw, char **argv, bool login_shell)
{
	struct pam_conv conv = {misc_conv, NULL};
	pam_handle_t *pamh = NULL;
	int rc, status = EXIT_SESSION_FAILED;
	pid_t child;

	rc = pam_start(CHATCELL_PAM_SERVICE, pw->pw_name, &conv, &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "%s: cannot start PAM for service %s: %s\n", who, CHATCELL_PAM_SERVICE,
			pam_strerror(pamh, rc));
		return EXIT_SESSION_FAILED;
	}
	rc = pam_acct_mgmt(pamh, 0);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "%s: %s may not log in: %s\n", who, pw->pw_name, pam_strerror(pamh, rc));
		goto end;
	}
	rc = pam_open_session(pamh, 0);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "%s: the session of %s was refused: %s (see the system log)\n", who, pw->pw_name,
			pam_strerror(pamh, rc));
		goto end;
	}
	if (!pam_getenv(pamh, "CHATCELL_SESSION")) {
		fprintf(stderr,
			"%s: /etc/pam.d/%s did not run pam_chatcell.so in its session stack; refusing to run %s "
			"unconfined. Restore the file from the chatcell package\n",
			who, CHATCELL_PAM_SERVICE, pw->pw_name);
		goto close;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		fprintf(stderr, "%s: cannot fork: %s\n", who, strerror(errno));
		goto close;
	}
	if (child == 0)
		become_chat_and_exec(pamh, pw, argv, login_shell);
	status = wait_for(child);
close:
	pam_close_session(pamh, 0);
end:
	pam_end(pamh, rc);
	return status;
}

int main(int argc, char **argv)
{
	const char *who = getenv("CHATCELL_SESSION_CALLER");
	bool login_shell = argc > 1 && strcmp(argv[1], "--login") == 0;
	int first = login_shell ? 2 : 1;
	struct passwd *pw;

	if (!who || !*who)
		who = "chatcell-session";
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
		fprintf(stderr, "%s: %s does not resolve; is 'chatcell' on the passwd line of /etc/nsswitch.conf?\n", who,
			argv[first]);
		return EXIT_SESSION_FAILED;
	}
	return run_session(who, pw, login_shell ? NULL : argv + first + 2, login_shell);
}

