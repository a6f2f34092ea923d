/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell_join.h"

#include <string.h>
#include <unistd.h>

#include "cell/cell.h"
#include "cell/cell_mounts.h"
#include "cgroup/cgroup.h"
#include "disk/disk_budget.h"
#include "egress/nft_probe.h"
#include "session_env.h"

/* The running cell of this chat: 1 (cell filled), 0 none (or another
 * chat's name in the record: left to the start path), -1 error. */
static int find_cell(struct chat_user *cu, struct cc_cell *cell)
{
	int found = cc_cell_find(cu->uid, cell, &cu->err);

	if (found > 0 && strcmp(cell->name, cu->user) != 0) {
		cc_cell_close(cell);
		return 0;
	}
	return found;
}

int cell_join_running(struct chat_user *cu)
{
	struct cc_cell cell;
	int found = find_cell(cu, &cell);

	if (found > 0)
		cc_cell_close(&cell);
	return found;
}

/* Steps 3-5, with the cell found: 1 done, 0 the chat has no cgroup, its
 * disk budget is not in force everywhere (the configuration changed after
 * the cell started) or its cell has no egress table: the start path makes
 * it so, or refuses; -1 refused. */
static int enter(pam_handle_t *pamh, struct chat_user *cu, const struct cc_cell *cell)
{
	enum cc_cgroup_backend backend;
	struct session_target target;
	struct cc_cell_return back;
	int rc;

	rc = cc_disk_in_force(&cu->config, cu->uid, &cu->err);
	if (rc <= 0)
		return rc;
	if (cc_cgroup_backend_resolve(&cu->config, &backend, &cu->err) < 0)
		return -1;
	if (cc_cgroup_attach(backend, &cu->config, cu->uid, cu->user, getpid(), &cu->err) < 0)
		return cu->err.kind == CC_ERR_NOT_FOUND ? 0 : -1;
	target = (struct session_target){.name = cu->user, .uid = cu->uid, .cell = cell};
	if (cc_cell_join(cell, &back, &cu->err) < 0)
		return -1;
	if (cc_cell_restore_mounts(&cu->config, &cu->err) < 0) {
		cc_cell_return(&back);
		return -1;
	}
	/* The cell's egress table, in its namespace, now this thread's: only
	 * root on the host can remove it; then the start path rebuilds it. */
	rc = cc_nft_table_exists(&cu->err);
	if (rc <= 0) {
		cc_cell_return(&back);
		return rc;
	}
	rc = session_env_seal(pamh, &cu->config, &target, &back, &cu->err);
	return rc < 0 ? -1 : 1;
}

int cell_join_session(pam_handle_t *pamh, struct chat_user *cu)
{
	struct cc_cell cell;
	int lock_fd = chat_user_lock(cu), rc;

	if (lock_fd < 0)
		return -1;
	rc = find_cell(cu, &cell);
	if (rc > 0) {
		rc = enter(pamh, cu, &cell);
		cc_cell_close(&cell);
	}
	close(lock_fd);
	return rc;
}
