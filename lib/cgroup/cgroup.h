/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-chat resource limits on cgroup v2. Every process of a chat, from
 * every login path, lives in the chat's one cgroup, so the limits hold for
 * the chat as a whole:
 *
 *   cgroupfs  <cgroup_root>/<name>, in a delegated subtree chatcell writes
 *             itself (hosts without systemd, containers);
 *   systemd   chatcell-<uid>.slice inside chatcell.slice, each session a
 *             transient scope in it, all over D-Bus: chatcell never writes
 *             into systemd's tree.
 *
 * "auto" picks systemd when it is PID 1, cgroupfs otherwise. If limits
 * cannot be applied the caller fails closed, unless the configuration says
 * cgroup_backend = off. */
#ifndef CHATCELL_CGROUP_H
#define CHATCELL_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

#include "config/conf.h"
#include "base/error.h"

/* A chat's limits; CC_LIMIT_UNLIMITED means none. */
struct cc_limits {
	uint64_t memory_max;      /* bytes (swap is always 0) */
	uint64_t pids_max;
	uint64_t cpu_max_percent; /* of one CPU */
	uint64_t io_weight;       /* 1 to 10000, never unlimited */
	struct cc_io_max io_max;  /* on the disks of cc_io_disks_find */
};

struct cc_cgroup_usage {
	uint64_t memory_current;
	uint64_t pids_current;
	uint64_t cpu_usage_usec;
	uint64_t nr_throttled;
	uint64_t throttled_usec;
	uint64_t oom_kills;
	uint64_t io_read_bytes;  /* io.stat, summed over the devices */
	uint64_t io_written_bytes;
};

/* A chat's limits from its registry columns: -1 means "the configuration's
 * default", 0 "no limit", anything else the value; io_max NULL means the
 * configuration's. */
void cc_limits_effective(const struct cc_config *config, int64_t memory_max, int64_t pids_max,
			 int64_t cpu_max_percent, int64_t io_weight, const struct cc_io_max *io_max,
			 struct cc_limits *limits);

/* Which backend this host and configuration give. With "auto" (or an
 * explicit backend) that cannot work here, an error says why, e.g. "the
 * memory controller is bound to cgroup v1". */
int cc_cgroup_backend_resolve(const struct cc_config *config, enum cc_cgroup_backend *backend, struct cc_err *err);

/* Could limits work on this host? 0, or -1 with the reason in err (for a
 * report when they are off, and for the refusal when they are on). */
int cc_cgroup_host_check(const struct cc_config *config, struct cc_err *err);

const char *cc_cgroup_backend_name(enum cc_cgroup_backend backend);

/* For init: make the backend ready (cgroupfs: create the subtree root and
 * enable memory, pids and cpu in it, and in its parent when that is the
 * cgroup2 mount root; systemd: nothing beyond chatcell.slice). */
int cc_cgroup_prepare(enum cc_cgroup_backend backend, const struct cc_config *config, struct cc_err *err);

/* Create the chat's cgroup (or slice) with these limits, or update them. */
int cc_cgroup_apply(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		    const struct cc_limits *limits, struct cc_err *err);

/* At login: make sure the cgroup exists with its limits and move `pid` into
 * it, before the session forks anything. */
int cc_cgroup_join(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		   const struct cc_limits *limits, pid_t pid, struct cc_err *err);

/* At a login into a running cell: move `pid` into the cgroup (or the
 * cell's scope) that cc_cgroup_join made with the chat's limits, which
 * stay as they are. */
int cc_cgroup_attach(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		     pid_t pid, struct cc_err *err);

/* Kill every process in the chat's cgroup and wait until it is empty. */
int cc_cgroup_kill(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		   struct cc_err *err);

/* Kill everything, then remove the cgroup (or stop the slice). */
int cc_cgroup_remove(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid,
		     const char *name, struct cc_err *err);

/* Live usage; -1 with err if the cgroup does not exist. */
int cc_cgroup_usage(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		    struct cc_cgroup_usage *usage, struct cc_err *err);

#endif
