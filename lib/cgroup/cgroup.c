/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cgroup/cgroup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cgroup_backends.h"

const char *cc_cgroup_backend_name(enum cc_cgroup_backend backend)
{
	switch (backend) {
	case CC_CGROUP_CGROUPFS:
		return "cgroupfs";
	case CC_CGROUP_SYSTEMD:
		return "systemd";
	case CC_CGROUP_AUTO:
		return "auto";
	case CC_CGROUP_OFF:
		break;
	}
	return "off";
}

/* The first of memory, pids, cpu that a cgroup v1 hierarchy holds, from
 * /proc/cgroups ("subsys hierarchy num_cgroups enabled"); NULL if none.
 * Returns one of the constant names, so the module keeps no state. */
static const char *bound_to_v1(void)
{
	static const char *const wanted[] = {"memory", "pids", "cpu"};
	const char *found = NULL;
	char line[256];
	FILE *f = fopen("/proc/cgroups", "re");

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		char *save = NULL, *name = strtok_r(line, " \t", &save), *field = strtok_r(NULL, " \t", &save);
		char *end = NULL;
		unsigned long hierarchy;

		if (!name || !field || name[0] == '#')
			continue;
		hierarchy = strtoul(field, &end, 10);
		if (end == field || hierarchy == 0)
			continue;
		for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
			if (strcmp(name, wanted[i]) == 0)
				found = wanted[i];
	}
	fclose(f);
	return found;
}

int cc_cgroup_host_check(const struct cc_config *config, struct cc_err *err)
{
	const char *v1 = bound_to_v1();

	if (v1)
		return cc_fail(err, CC_ERR_SYSTEM, "the %s controller is bound to cgroup v1", v1);
	if (!cg_systemd_is_init())
		return cgfs_check(config, err);
	return 0;
}

static uint64_t effective(int64_t chat_value, uint64_t fallback)
{
	if (chat_value < 0)
		return fallback;
	return chat_value == 0 ? CC_LIMIT_UNLIMITED : (uint64_t)chat_value;
}

void cc_limits_effective(const struct cc_config *config, int64_t memory_max, int64_t pids_max,
			 int64_t cpu_max_percent, int64_t io_weight, const struct cc_io_max *io_max,
			 struct cc_limits *limits)
{
	limits->memory_max = effective(memory_max, config->memory_max);
	limits->pids_max = effective(pids_max, config->pids_max);
	limits->cpu_max_percent = effective(cpu_max_percent, config->cpu_max_percent);
	limits->io_weight = effective(io_weight, config->io_weight);
	limits->io_max = io_max ? *io_max : config->io_max;
}

int cc_cgroup_backend_resolve(const struct cc_config *config, enum cc_cgroup_backend *backend, struct cc_err *err)
{
	*backend = config->cgroup_backend;
	switch (config->cgroup_backend) {
	case CC_CGROUP_OFF:
		return 0;
	case CC_CGROUP_SYSTEMD:
		return cgsd_check(err);
	case CC_CGROUP_CGROUPFS:
		break;
	case CC_CGROUP_AUTO:
		*backend = cg_systemd_is_init() ? CC_CGROUP_SYSTEMD : CC_CGROUP_CGROUPFS;
		break;
	}
	if (cc_cgroup_host_check(config, err) < 0) {
		err->kind = CC_ERR_SYSTEM;
		cc_err_prefix(err, "per-chat limits cannot be applied on this host: ");
		cc_err_append(err, ". Boot with a cgroup v2 hierarchy (systemd.unified_cgroup_hierarchy=1), or set "
				   "cgroup_backend = off in chatcell.conf to run without limits");
		return -1;
	}
	return 0;
}

int cc_cgroup_prepare(enum cc_cgroup_backend backend, const struct cc_config *config, struct cc_err *err)
{
	if (backend == CC_CGROUP_CGROUPFS)
		return cgfs_prepare(config, err);
	if (backend == CC_CGROUP_SYSTEMD)
		return cgsd_check(err);
	return 0;
}

int cc_cgroup_apply(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		    const struct cc_limits *limits, struct cc_err *err)
{
	return cc_cgroup_join(backend, config, uid, name, limits, 0, err);
}

int cc_cgroup_join(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		   const struct cc_limits *limits, pid_t pid, struct cc_err *err)
{
	if (backend == CC_CGROUP_CGROUPFS)
		return cgfs_apply(config, name, limits, pid, err);
	if (backend == CC_CGROUP_SYSTEMD)
		return cgsd_apply(config, uid, name, limits, pid, err);
	return 0;
}

int cc_cgroup_attach(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		     pid_t pid, struct cc_err *err)
{
	if (backend == CC_CGROUP_CGROUPFS)
		return cgfs_apply(config, name, NULL, pid, err);
	if (backend == CC_CGROUP_SYSTEMD)
		return cgsd_apply(config, uid, name, NULL, pid, err);
	return 0;
}

int cc_cgroup_kill(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		   struct cc_err *err)
{
	if (backend == CC_CGROUP_CGROUPFS)
		return cgfs_kill(config, name, false, err);
	if (backend == CC_CGROUP_SYSTEMD)
		return cgsd_kill(uid, false, err);
	return 0;
}

int cc_cgroup_remove(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid,
		     const char *name, struct cc_err *err)
{
	if (backend == CC_CGROUP_CGROUPFS)
		return cgfs_kill(config, name, true, err);
	if (backend == CC_CGROUP_SYSTEMD)
		return cgsd_kill(uid, true, err);
	return 0;
}

int cc_cgroup_usage(enum cc_cgroup_backend backend, const struct cc_config *config, uint32_t uid, const char *name,
		    struct cc_cgroup_usage *usage, struct cc_err *err)
{
	if (backend == CC_CGROUP_CGROUPFS)
		return cgfs_usage(config, name, usage, err);
	if (backend == CC_CGROUP_SYSTEMD)
		return cgsd_usage(uid, usage, err);
	return cc_fail(err, CC_ERR_CONFIG, "limits are off (cgroup_backend = off in chatcell.conf)");
}
