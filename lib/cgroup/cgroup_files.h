/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small reads and writes of cgroup v2 interface files, relative to the
 * descriptor of a cgroup directory. Return 0 or a negative errno. */
#ifndef CHATCELL_CGROUP_FILES_H
#define CHATCELL_CGROUP_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "cgroup/cgroup.h"

int cg_write(int dirfd, const char *file, const char *value);
int cg_read(int dirfd, const char *file, char *buf, size_t len);
/* The number after "key " on a line of a flat-keyed file (cpu.stat). */
int cg_read_key(int dirfd, const char *file, const char *key, uint64_t *value);
/* A single number, or "max" as CC_LIMIT_UNLIMITED. */
int cg_read_u64(int dirfd, const char *file, uint64_t *value);
/* memory.current, pids.current, cpu.stat, memory.events, io.stat */
int cg_read_usage(int dirfd, struct cc_cgroup_usage *usage);
/* Wait (up to timeout_ms) until cgroup.events says "populated 0". */
int cg_wait_empty(int dirfd, int timeout_ms);
/* Is the controller's interface present (its file exists)? */
int cg_has_controller(int dirfd, const char *controller);

#endif
