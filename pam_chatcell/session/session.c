/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "session.h"

#include <errno.h>
#include <grp.h>
#include <security/pam_modutil.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cell/cell.h"
#include "cell/cell_open.h"
#include "cgroup/cgroup.h"
#include "disk/disk_budget.h"
#include "egress/egress_sync.h"
#include "session_env.h"

/* Debian's tty group, should NSS not know it. */
#define TTY_GID_DEFAULT 5

/* Step 1: returns the lock's fd (closing it releases the lock). Reading the
 * chat again under the lock means a session racing `suspend`, `delete` or
 * `limits` sees either all of the change or none of it. */
static int lock_chat(struct chat_user *cu, struct cc_registry *reg)
{
	int lock_fd = chat_user_lock(cu), found;

	if (lock_fd < 0)
		return -1;
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

/* Step 4 for a cell this login starts: its egress table, built from the
 * registry into its network namespace while its keeper makes the mounts.
 * The chat's work lock, held here, keeps out a change to its allowlist,
 * which chatcell-admin makes under that lock from the kernel change to the
 * registry's commit: the registry read here has all of it or none. */
struct new_cell_egress {
	struct chat_user *cu;
	struct cc_registry *reg;
};

static int build_new_egress(int netns, void *ctx, struct cc_err *err)
{
	const struct new_cell_egress *e = ctx;

	return cc_egress_start_chat(e->reg, &e->cu->config, e->cu->chat.id, netns, (int64_t)time(NULL), err);
}

/* Steps 2 and 3: the chat's disk budget and cell (started if none runs),
 * and this process, and so everything the session forks, in its cgroup
 * with the chat's limits. */
static int open_cell(pam_handle_t *pamh, struct chat_user *cu, struct cc_registry *reg, struct cc_cell *cell)
{
	struct new_cell_egress egress = {cu, reg};
	enum cc_cgroup_backend backend;
	struct cc_cell_spec spec;
	struct cc_limits limits;
	const struct group *tty;

	if (cc_cgroup_backend_resolve(&cu->config, &backend, &cu->err) < 0)
		return -1;
	tty = pam_modutil_getgrnam(pamh, "tty");
	cc_cell_spec_init(&spec, &cu->config, cu->uid, cu->chat.name, tty ? tty->gr_gid : TTY_GID_DEFAULT,
			  backend != CC_CGROUP_OFF);
	spec.network_ready = build_new_egress;
	spec.network_ready_ctx = &egress;
	cc_limits_effective(&cu->config, cu->chat.memory_max, cu->chat.pids_max, cu->chat.cpu_max_percent,
			    cu->chat.io_weight, cu->chat.io_max_set ? &cu->chat.io_max : NULL, &limits);
	/* A new cell starts with the chat's disk budget in force, or not at all. */
	if (cc_disk_apply(&cu->config, cu->uid, cu->chat.disk_max, cu->chat.inodes_max, true, &cu->err) < 0)
		return -1;
	if (cc_cell_open(&spec, &cu->config, backend, &limits, cell, &cu->err) < 0)
		return -1;
	return cc_cgroup_join(backend, &cu->config, cu->uid, cu->chat.name, &limits, getpid(), &cu->err);
}

/* Step 4 for a running cell whose table must be rebuilt, from inside it
 * (the same lock and registry read as build_new_egress). */
static int build_egress(struct chat_user *cu, struct cc_registry *reg)
{
	return cc_egress_ensure_chat(reg, &cu->config, cu->chat.id, (int64_t)time(NULL), &cu->err);
}

int session_open(pam_handle_t *pamh, struct chat_user *cu, struct cc_registry *reg)
{
	struct cc_cell cell = {.pidfd = -1};
	struct session_target target;
	struct cc_cell_return back;
	struct cc_err ignored;
	int64_t login, logout;
	int lock_fd = lock_chat(cu, reg), rc;

	if (lock_fd < 0)
		return PAM_SESSION_ERR;
	/* A cell this login starts overwrites the record of the last one:
	 * its noted logins go to the registry first (bookkeeping only). */
	if (cc_cell_logins(cu->uid, &login, &logout))
		cc_chats_fold_logins(reg, cu->uid, login, logout, &ignored);
	rc = open_cell(pamh, cu, reg, &cell);
	target = (struct session_target){.name = cu->chat.name, .uid = cu->uid, .cell = &cell};
	if (rc == 0)
		rc = cc_cell_join(&cell, &back, &cu->err);
	if (rc == 0) {
		rc = cell.started ? 0 : build_egress(cu, reg);
		if (rc < 0)
			cc_cell_return(&back);
		else
			rc = session_env_seal(pamh, &cu->config, &target, &back, &cu->err);
	}
	if (rc < 0)
		cc_cell_abandon(&cell); /* a cell this login started ends with it */
	cc_cell_close(&cell);
	close(lock_fd);
	/* The login is noted in the new cell's record (session_env_seal). */
	return rc < 0 ? PAM_SESSION_ERR : PAM_SUCCESS;
}
