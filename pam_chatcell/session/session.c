/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session.h"

#include <errno.h>
#include <grp.h>
#include <security/pam_modutil.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bind_instances.h"
#include "cgroup/cgroup.h"
#include "fs/chat_lock.h"
#include "egress/egress_sync.h"
#include "mount_ns.h"
#include "private_proc.h"
#include "session_env.h"
#include "syscall_filter.h"
#include "fs/tmp_instances.h"
#include "base/trusted_dir.h"

/* The longest a login waits for the chat's work lock (pam_chatcell(8)). */
#define SESSION_LOCK_WAIT_MS 10000

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

/* Step 1: returns the lock's fd (closing it releases the lock). Reading the
 * chat again under the lock means a session racing `suspend`, `delete` or
 * `limits` sees either all of the change or none of it. */
static int lock_chat(struct chat_user *cu, struct cc_registry *reg)
{
	int state_fd, lock_fd, found;

	state_fd = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, &cu->err);
	if (state_fd < 0)
		return -1;
	lock_fd = cc_chat_lock_open(state_fd, &cu->err);
	close(state_fd);
	if (lock_fd < 0)
		return -1;
	found = cc_chat_lock_within(lock_fd, cu->uid, SESSION_LOCK_WAIT_MS);
	if (found == -ETIMEDOUT)
		cc_fail(&cu->err, CC_ERR_SYSTEM,
			"the work lock of %s stayed held for %d s (a chatcell-admin command is changing the chat, or "
			"hangs); try the login again",
			cu->user, SESSION_LOCK_WAIT_MS / 1000);
	else if (found < 0)
		cc_fail_errno(&cu->err, CC_ERR_SYSTEM, -found, "cannot take the work lock of %s", cu->user);
	if (found < 0) {
		close(lock_fd);
		return -1;
	}
	found = cc_chats_find_by_uid(reg, cu->uid, &cu->chat, &cu->err);
	if (found > 0 && (cu->chat.state != CC_STATE_ACTIVE || strcmp(cu->chat.name, cu->user) != 0))
		found = cc_fail(&cu->err, CC_ERR_CONFIG, "%s was suspended or deleted while its session was opening",
				cu->user);
	else if (found == 0)
		found = cc_fail(&cu->err, CC_ERR_CONFIG, "%s was deleted while its session was opening", cu->user);
	if (found < 0) {
		close(lock_fd);
		return -1;
	}
	return lock_fd;
}

/* Step 2: this process, and so everything the session forks, into the
 * chat's cgroup with the chat's limits. */
static int join_cgroup(struct chat_user *cu)
{
	enum cc_cgroup_backend backend;
	struct cc_limits limits;

	if (cc_cgroup_backend_resolve(&cu->config, &backend, &cu->err) < 0)
		return -1;
	cc_limits_effective(&cu->config, cu->chat.memory_max, cu->chat.pids_max, cu->chat.cpu_max_percent, &limits);
	return cc_cgroup_join(backend, &cu->config, cu->uid, cu->chat.name, &limits, getpid(), &cu->err);
}

/* Steps 3 to 5: the namespace and its mounts. The instances (and the state
 * directory they were opened from) stay open, so that a later failure can
 * take back what this session created. */
static int confine_filesystem(pam_handle_t *pamh, struct chat_user *cu, struct mount_ns *ns,
			      struct cc_instances *inst)
{
	gid_t gid;
	int state_fd, rc;

	if (admin_gid(pamh, &cu->config, &gid, &cu->err) < 0 || mount_ns_enter(ns, &cu->err) < 0)
		return -1;
	/* Everything is opened inside the new namespace: open_tree() clones
	 * only mounts of the caller's own namespace. */
	state_fd = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, &cu->err);
	if (state_fd < 0)
		return -1;
	rc = cc_instances_open(state_fd, cu->chat.name, inst, &cu->err);
	if (rc < 0) {
		close(state_fd);
		return -1;
	}
	rc = bind_instances(inst, &cu->err);
	if (rc == 0)
		rc = mount_private_proc(gid, &cu->err);
	return rc;
}

/* Close the instances; after a failure, remove what this session created. */
static void release_instances(struct cc_instances *inst, bool undo)
{
	int state_fd = inst->state_fd;

	cc_instances_close(inst, undo);
	if (state_fd >= 0)
		close(state_fd);
}

int session_open(pam_handle_t *pamh, struct chat_user *cu, struct cc_registry *reg)
{
	struct mount_ns ns = {.saved_ns_fd = -1, .saved_cwd_fd = -1};
	struct cc_instances inst = {.fd = {-1, -1, -1}, .chat_fd = -1, .root_fd = -1, .state_fd = -1};
	struct cc_err ignored;
	int lock_fd = lock_chat(cu, reg), rc;

	if (lock_fd < 0)
		return PAM_SESSION_ERR;
	if (join_cgroup(cu) < 0) {
		close(lock_fd);
		return PAM_SESSION_ERR;
	}
	rc = confine_filesystem(pamh, cu, &ns, &inst);
	if (rc == 0)
		rc = cc_egress_ensure_chat(reg, &cu->config, cu->chat.id, (int64_t)time(NULL), &cu->err);
	if (rc == 0)
		rc = session_env_apply(pamh, &cu->config, cu->chat.name, &cu->err);
	if (rc == 0)
		rc = syscall_filter_install(&cu->err);
	release_instances(&inst, rc < 0);
	if (rc < 0) {
		mount_ns_abandon(&ns);
		close(lock_fd);
		return PAM_SESSION_ERR;
	}
	mount_ns_keep(&ns);
	close(lock_fd);
	/* Bookkeeping only, and it never waits (a busy registry skips it): a
	 * failure here does not weaken the session. */
	cc_chats_record_session(reg, cu->uid, true, (int64_t)time(NULL), &ignored);
	return PAM_SUCCESS;
}
