/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session_env.h"

#include <errno.h>
#include <security/pam_ext.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "syscall_filter.h"

int session_env_apply(pam_handle_t *pamh, const struct cc_config *config, const char *name, struct cc_err *err)
{
	char path[sizeof("PATH=") + CC_PATH_MAX + 1 + CC_PATH_LIST_MAX + 1];
	char marker[sizeof("CHATCELL_SESSION=") + CC_NAME_MAX + 1];
	char saved_path[sizeof(path) + sizeof("CHATCELL_")];
	struct rlimit no_core = {0, 0};

	snprintf(path, sizeof(path), "PATH=%s%s%s", config->shims_dir, config->path_append[0] ? ":" : "",
		 config->path_append);
	snprintf(marker, sizeof(marker), "CHATCELL_SESSION=%s", name);
	/* A copy for /etc/profile.d/chatcell.sh: login shells reset PATH. */
	snprintf(saved_path, sizeof(saved_path), "CHATCELL_%s", path);
	if (pam_putenv(pamh, path) != PAM_SUCCESS || pam_putenv(pamh, marker) != PAM_SUCCESS ||
	    pam_putenv(pamh, saved_path) != PAM_SUCCESS)
		return cc_fail(err, CC_ERR_SYSTEM, "cannot set the session's PATH (pam_putenv)");
	if (setrlimit(RLIMIT_CORE, &no_core) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot disable core dumps");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot set no_new_privs");
	umask(077);
	return 0;
}

int session_env_seal(pam_handle_t *pamh, const struct cc_config *config, const char *name,
		     struct cc_cell_return *back, struct cc_err *err)
{
	int rc = session_env_apply(pamh, config, name, err);

	if (rc == 0)
		rc = syscall_filter_install(err);
	if (rc < 0)
		cc_cell_return(back);
	else
		cc_cell_return_drop(back);
	return rc;
}
