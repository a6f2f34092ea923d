/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The two backends behind cgroup.h (one file each). In *_apply, limits
 * NULL means: only move pid into the existing cgroup (cc_cgroup_attach). */
#ifndef CHATCELL_CGROUP_BACKENDS_H
#define CHATCELL_CGROUP_BACKENDS_H

#include "cgroup/cgroup.h"

int cgfs_check(const struct cc_config *config, struct cc_err *err);
int cgfs_prepare(const struct cc_config *config, struct cc_err *err);
int cgfs_apply(const struct cc_config *config, const char *name, const struct cc_limits *limits, pid_t pid,
	       struct cc_err *err);
int cgfs_kill(const struct cc_config *config, const char *name, bool remove, struct cc_err *err);
int cgfs_usage(const struct cc_config *config, const char *name, struct cc_cgroup_usage *usage, struct cc_err *err);

/* Whether systemd is PID 1 (sd_booted() without linking libsystemd). */
bool cg_systemd_is_init(void);
int cgsd_check(struct cc_err *err);
int cgsd_apply(const struct cc_config *config, uint32_t uid, const char *name, const struct cc_limits *limits,
	       pid_t pid, struct cc_err *err);
int cgsd_kill(uint32_t uid, bool remove, struct cc_err *err);
int cgsd_usage(uint32_t uid, struct cc_cgroup_usage *usage, struct cc_err *err);

/* "25000 100000" for 25 %: quota per 100 ms period. */
void cc_cpu_max_text(uint64_t percent, char *out, size_t out_len);

/* The kernel's io.weight when none is set: an equal share. */
#define CC_IO_WEIGHT_DEFAULT 100

#endif
