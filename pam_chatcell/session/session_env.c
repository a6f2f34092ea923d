/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session_env.h"

#include <errno.h>
#include <linux/capability.h>
#include <security/pam_ext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "cell/uid_state.h"
#include "sandbox/capability.h"
#include "sandbox/landlock.h"
#include "sandbox/syscall_filter.h"

#define LOGOUT_NOTE "chatcell-logout-note"

static int set_limit(int resource, uint64_t value, const char *what, struct cc_err *err)
{
	struct rlimit limit = {value == CC_LIMIT_UNLIMITED ? RLIM_INFINITY : (rlim_t)value,
			       value == CC_LIMIT_UNLIMITED ? RLIM_INFINITY : (rlim_t)value};

	if (setrlimit(resource, &limit) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot set the session's %s limit", what);
	return 0;
}

static int session_env_apply(pam_handle_t *pamh, const struct cc_config *config, const char *name, uint32_t uid,
			     struct cc_err *err)
{
	char path[sizeof("PATH=") + CC_PATH_MAX + 1 + CC_PATH_LIST_MAX + 1];
	char marker[sizeof("CHATCELL_SESSION=") + CC_NAME_MAX + 1];
	char saved_path[sizeof(path) + sizeof("CHATCELL_")];

	/* Before the limits: RLIMIT_NPROC counts against the real UID it takes. */
	if (cc_uid_own_session_keyring(uid, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "PATH=%s%s%s", config->shims_dir, config->path_append[0] ? ":" : "",
		 config->path_append);
	snprintf(marker, sizeof(marker), "CHATCELL_SESSION=%s", name);
	/* A copy for /etc/profile.d/chatcell.sh: login shells reset PATH. */
	snprintf(saved_path, sizeof(saved_path), "CHATCELL_%s", path);
	if (pam_putenv(pamh, path) != PAM_SUCCESS || pam_putenv(pamh, marker) != PAM_SUCCESS ||
	    pam_putenv(pamh, saved_path) != PAM_SUCCESS)
		return cc_fail(err, CC_ERR_SYSTEM, "cannot set the session's PATH (pam_putenv)");
	/* RLIMIT_NPROC is a second line behind pids.max: it counts the
	 * chat's processes wherever they are (root, running su, is exempt). */
	if (set_limit(RLIMIT_NOFILE, config->open_files_max, "open files", err) < 0 ||
	    set_limit(RLIMIT_NPROC, config->processes_max, "processes", err) < 0 ||
	    set_limit(RLIMIT_MEMLOCK, config->locked_memory_max, "locked memory", err) < 0 ||
	    set_limit(RLIMIT_CORE, config->core_max, "core dump", err) < 0)
		return -1;
	/* Modules after this one in the login's own stack may not raise
	 * them again (sshd's runs pam_limits after common-session): the
	 * login process gives up CAP_SYS_RESOURCE; it has no use for it, and
	 * the chat's programs never had it. */
	if (cc_capability_drop(CAP_SYS_RESOURCE, "CAP_SYS_RESOURCE", err) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot set no_new_privs");
	umask(077);
	return 0;
}

static void close_note(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh, (void)error_status;
	close(*(int *)data);
	free(data);
}

/* The cell record kept open for the login's notes. */
static void keep_record(pam_handle_t *pamh, uint32_t uid)
{
	int *fd = malloc(sizeof(*fd));

	if (!fd)
		return;
	*fd = cc_cell_notes_open(uid);
	if (*fd < 0) {
		free(fd);
		return;
	}
	if (pam_set_data(pamh, LOGOUT_NOTE, fd, close_note) != PAM_SUCCESS)
		close_note(pamh, fd, 0);
}

/* Bookkeeping only: 1 noted, 0 no record kept. */
static int note(pam_handle_t *pamh, bool login)
{
	const void *data = NULL;

	if (pam_get_data(pamh, LOGOUT_NOTE, &data) != PAM_SUCCESS || !data)
		return 0;
	cc_cell_note_at(*(const int *)data, login);
	return 1;
}

int session_note_logout(pam_handle_t *pamh)
{
	return note(pamh, false);
}

/* The ruleset the cell's keeper keeps, when it is the one this login
 * would make (same key); else, or if it cannot be fetched (a kernel or an
 * LSM that forbids pidfd_getfd), the login makes its own. Landlock binds
 * the calling thread only, which here is the whole process: it joined the
 * cell's mount namespace, and setns() refuses that to a process with a
 * second thread. */
static int restrict_files(pam_handle_t *pamh, const struct cc_config *config, const struct session_target *t,
			  struct cc_err *err)
{
	struct cc_landlock_keep keep;
	const char *skipped = NULL;
	int rc;

	cc_landlock_keep_init(&keep, config, t->name);
	if (t->cell->kept_key[0] && strcmp(t->cell->kept_key, keep.key) == 0) {
		cc_cleanup_close int ruleset = cc_cell_kept_fd(t->cell);

		if (ruleset >= 0 && cc_landlock_enforce(ruleset, err) == 0)
			return 0;
	}
	rc = cc_landlock_restrict(config, keep.home, &skipped, err);
	if (rc == 0)
		pam_syslog(pamh, LOG_WARNING, "the session of %s runs without Landlock: %s", t->name, skipped);
	return rc < 0 ? -1 : 0;
}

int session_env_seal(pam_handle_t *pamh, const struct cc_config *config, const struct session_target *t,
		     struct cc_cell_return *back, struct cc_err *err)
{
	int rc = session_env_apply(pamh, config, t->name, t->uid, err);

	/* Landlock last: a step that fails before it leaves a process that
	 * can still clean up after the refused session (the start path
	 * removes the cell it made). */
	if (rc == 0)
		rc = cc_syscall_filter_install(config, err);
	if (rc == 0) {
		keep_record(pamh, t->uid);
		rc = restrict_files(pamh, config, t, err);
	}
	if (rc < 0) {
		pam_set_data(pamh, LOGOUT_NOTE, NULL, NULL); /* closes the record */
		cc_cell_return(back);
		return -1;
	}
	note(pamh, true);
	cc_cell_return_drop(back);
	return 0;
}
