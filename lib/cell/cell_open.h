/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A chat's cell as logins and `ensure --start` need it: the running one
 * (if its record names this chat: a half cell, whose starter died before
 * writing the record, is ended), or a new one whose keeper is placed in the chat's cgroup (with the
 * chat's limits) before it makes the cell's cgroup namespace, and which
 * keeps the sessions' Landlock ruleset for its logins. Call it with the
 * chat's work lock held. */
#ifndef CHATCELL_CELL_OPEN_H
#define CHATCELL_CELL_OPEN_H

#include "cell/cell.h"
#include "cgroup/cgroup.h"

int cc_cell_open(const struct cc_cell_spec *spec, const struct cc_config *config, enum cc_cgroup_backend backend,
		 const struct cc_limits *limits, struct cc_cell *cell, struct cc_err *err);

#endif
