#include "session.h"

#include <grp.h>
#include <security/pam_modutil.h>
#include <time.h>
#include <unistd.h>

#include "bind_instances.h"
#include "egress_sync.h"
#include "mount_ns.h"
#include "private_proc.h"
#include "session_env.h"
#include "tmp_instances.h"
#include "trusted_dir.h"

/* The group that may still see every process, if configured. */
static int admin_gid(pam_handle_t *pamh, const struct cc_config *config, gid_t *gid, struct cc_err *err)
{
	struct group *gr;

	*gid = (gid_t)-1;
	if (!config->proc_admin_group[0])
		return 0;
	gr = pam_modutil_getgrnam(pamh, config->proc_admin_group);
	if (!gr)
		return cc_fail(err, CC_ERR_CONFIG, "proc_admin_group '%s' in chatcell.conf is not a known group",
			       config->proc_admin_group);
	*gid = gr->gr_gid;
	return 0;
}

/* Steps 2 to 4: the namespace and its mounts. */
static int confine_filesystem(pam_handle_t *pamh, struct chat_user *cu, struct mount_ns *ns)
{
	struct cc_instances inst;
	gid_t gid;
	int state_fd, rc;

	if (admin_gid(pamh, &cu->config, &gid, &cu->err) < 0 || mount_ns_enter(ns, &cu->err) < 0)
		return -1;
	/* Everything is opened inside the new namespace: open_tree() clones
	 * only mounts of the caller's own namespace. */
	state_fd = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, &cu->err);
	if (state_fd < 0)
		return -1;
	rc = cc_instances_open(state_fd, cu->chat.name, &inst, &cu->err);
	if (rc == 0) {
		rc = bind_instances(&inst, &cu->err);
		if (rc == 0)
			rc = mount_private_proc(gid, &cu->err);
		cc_instances_close(&inst, rc < 0);
	}
	close(state_fd);
	return rc;
}

int session_open(pam_handle_t *pamh, struct chat_user *cu, struct cc_registry *reg)
{
	struct mount_ns ns = {.saved_ns_fd = -1, .saved_cwd_fd = -1};
	struct cc_err ignored;

	if (confine_filesystem(pamh, cu, &ns) < 0 ||
	    cc_egress_ensure_chat(reg, &cu->config, cu->chat.id, (int64_t)time(NULL), &cu->err) < 0 ||
	    session_env_apply(pamh, &cu->config, cu->chat.name, &cu->err) < 0) {
		mount_ns_abandon(&ns);
		return PAM_SESSION_ERR;
	}
	mount_ns_keep(&ns);
	/* Bookkeeping only: a failure here does not weaken the session. */
	cc_chats_record_session(reg, cu->uid, true, (int64_t)time(NULL), &ignored);
	return PAM_SUCCESS;
}
