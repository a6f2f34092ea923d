/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a chat's cell is made of, decided by whoever starts it (a login, or
 * chatcell-admin ensure --start) from chatcell.conf and the registry. */
#ifndef CHATCELL_CELL_SPEC_H
#define CHATCELL_CELL_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/sizes.h"
#include "config/conf.h"

#define CC_CELL_KEY_MAX 32

struct cc_cell_spec {
	uint32_t uid;
	char name[CC_NAME_MAX + 1];
	/* Sees every process of the cell (procfs gid=): the chat's own group.
	 * Each login is a Landlock domain of its own, and Landlock refuses
	 * ptrace access between domains, on which hidepid=invisible would
	 * otherwise hide one login's processes from the chat's other logins. */
	gid_t proc_gid;
	gid_t tty_gid;      /* the group of the cell's pseudo-terminals */
	unsigned ptys_max;  /* devpts max= */
	unsigned idle_stop; /* seconds without a process before the keeper ends the cell; 0: never */
	bool cgroup2;       /* /sys/fs/cgroup shows the cell's own cgroup (v2, limits on); else nothing */
	/* The cell's network: its addresses come from net_config's ranges, at
	 * the first free index from net_first on (of net_slots). */
	const struct cc_config *net_config;
	uint64_t net_slots;
	uint64_t net_first;
	/* A descriptor the cell keeps for its logins, made by its keeper's
	 * setup once the cell's namespaces and mounts exist (the Landlock
	 * ruleset, lib/sandbox), or NULL; keep_key says what it was made
	 * from and is written in the cell record, so that a login can tell
	 * whether the kept descriptor is the one it would make. */
	int (*keep)(void *ctx, int mqueue); /* the descriptor, or -1 for none; mqueue: the cell's
					       * mqueue mount, or -1 (cc_cell_build_mounts) */
	void *keep_ctx;
	char keep_key[CC_CELL_KEY_MAX + 1];
	/* What the starter puts into the new cell's network namespace
	 * (`netns`) once its network is made, while the keeper still builds
	 * the mounts, before anything of the chat runs in it (the egress
	 * table), or NULL; a failure ends the start. */
	int (*network_ready)(int netns, void *ctx, struct cc_err *err);
	void *network_ready_ctx;
};

/* The spec from the configuration; the tty group is looked up by the
 * caller (a PAM module must use pam_modutil's lookups). */
void cc_cell_spec_init(struct cc_cell_spec *spec, const struct cc_config *config, uint32_t uid, const char *name,
		       gid_t tty_gid, bool cgroup2);

#endif
