/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/cell_open.h"

#include <string.h>

#include "base/text_copy.h"
#include "sandbox/landlock.h"

struct placement {
	const struct cc_config *config;
	enum cc_cgroup_backend backend;
	const struct cc_limits *limits;
	const struct cc_cell_spec *spec;
};

static int place_keeper(pid_t pid, void *ctx, struct cc_err *err)
{
	const struct placement *p = ctx;

	return cc_cgroup_join(p->backend, p->config, p->spec->uid, p->spec->name, p->limits, pid, err);
}

int cc_cell_open(const struct cc_cell_spec *spec, const struct cc_config *config, enum cc_cgroup_backend backend,
		 const struct cc_limits *limits, struct cc_cell *cell, struct cc_err *err)
{
	struct cc_cell_spec keeping = *spec;
	struct placement p = {config, backend, limits, spec};
	struct cc_landlock_keep keep;
	int found = cc_cell_find(spec->uid, cell, err);

	/* A keeper whose record names another chat, or none, holds a half
	 * cell: its starter died before it wrote the record (its mounts may
	 * be half made), or the UID had another owner. Ended, never joined;
	 * the chat's work lock, held here, keeps out any other start. */
	if (found > 0 && strcmp(cell->name, spec->name) != 0) {
		cc_cell_close(cell);
		if (cc_cell_stop(spec->uid, err) < 0)
			return -1;
		found = 0;
	}
	if (found != 0)
		return found < 0 ? -1 : 0;
	/* The sessions' Landlock ruleset, made once in the new cell and kept
	 * by its keeper for every login (lib/sandbox/landlock.h). */
	cc_landlock_keep_init(&keep, config, spec->name);
	keeping.keep = cc_landlock_keep;
	keeping.keep_ctx = &keep;
	cc_copy(keeping.keep_key, sizeof(keeping.keep_key), keep.key);
	return cc_cell_start(&keeping, backend == CC_CGROUP_OFF ? NULL : place_keeper, &p, cell, err);
}
