/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroupfs backend: a delegated cgroup v2 subtree (cgroup_root) that
 * chatcell writes itself, one child per chat (root's, 0755: a cell sees its
 * own through its cgroup namespace and no other, since the cell's
 * /sys/fs/cgroup starts at its chat's directory). Every file is opened relative to directory
 * descriptors obtained without following links. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroup/cgroup_backends.h"
#include "cgroup/cgroup_files.h"
#include "cgroup/io_disks.h"
#include "base/trusted_dir.h"

#define KILL_WAIT_MS 10000

static const char *const controllers[] = {"memory", "pids", "cpu", "io"};
#define ENABLE_ALL "+memory +pids +cpu +io"

/* Is /sys/fs/cgroup a cgroup v2 mount? */
static int check_unified(struct cc_err *err)
{
	struct statfs fs;

	if (statfs("/sys/fs/cgroup", &fs) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot inspect /sys/fs/cgroup");
	if (fs.f_type != CGROUP2_SUPER_MAGIC)
		return cc_fail(err, CC_ERR_SYSTEM,
			       "/sys/fs/cgroup is not a cgroup v2 mount (a legacy or hybrid hierarchy); chatcell's "
			       "limits need cgroup v2 (boot with systemd.unified_cgroup_hierarchy=1)");
	return 0;
}

/* The first of memory, pids, cpu, io missing from a cgroup.controllers text. */
static const char *missing_controller(const char *list)
{
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++) {
		const char *p = list;
		size_t len = strlen(controllers[i]);
		bool found = false;

		while ((p = strstr(p, controllers[i]))) {
			if ((p == list || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\n' || p[len] == '\0'))
				found = true;
			p += len;
		}
		if (!found)
			return controllers[i];
	}
	return NULL;
}

/* Open the subtree root, and check that it hands the four controllers to
 * its children (enabling them in its own subtree_control). */
static int open_root(const struct cc_config *config, bool create, struct cc_err *err)
{
	char list[512];
	const char *missing;
	int fd, r;

	if (check_unified(err) < 0)
		return -1;
	fd = cc_open_trusted_dir(config->cgroup_root, create ? 0755 : 0, err);
	if (fd < 0)
		return -1;
	r = cg_read(fd, "cgroup.controllers", list, sizeof(list));
	if (r < 0) {
		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "%s is not a cgroup (no cgroup.controllers)",
				     config->cgroup_root);
	}
	missing = missing_controller(list);
	if (missing) {
		close(fd);
		return cc_fail(err, CC_ERR_SYSTEM,
			       "the %s controller is not available in %s: its parent does not enable it (add +%s to "
			       "the parent's cgroup.subtree_control, or run chatcell-admin init)",
			       missing, config->cgroup_root, missing);
	}
	r = cg_write(fd, "cgroup.subtree_control", ENABLE_ALL);
	if (r < 0) {
		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot enable memory, pids, cpu and io in %s/cgroup.subtree_control",
				     config->cgroup_root);
	}
	return fd;
}

static int open_chat(int root_fd, const struct cc_config *config, const char *name, bool create,
		     struct cc_err *err)
{
	int fd;

	if (create && mkdirat(root_fd, name, 0755) < 0 && errno != EEXIST)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create the cgroup %s/%s", config->cgroup_root,
				     name);
	fd = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !create)
		return cc_fail(err, CC_ERR_NOT_FOUND, "%s has no cgroup yet (it is made at creation or first login)", name);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open the cgroup %s/%s", config->cgroup_root, name);
	if (create && fchmod(fd, 0755) < 0) {
		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot chmod the cgroup %s/%s", config->cgroup_root,
				     name);
	}
	for (size_t i = 0; i < sizeof(controllers) / sizeof(controllers[0]); i++) {
		if (!cg_has_controller(fd, controllers[i])) {
			close(fd);
			return cc_fail(err, CC_ERR_SYSTEM,
				       "the %s controller is not enabled for %s/%s (no %s.max): enable it in %s's "
				       "cgroup.subtree_control",
				       controllers[i], config->cgroup_root, name, controllers[i], config->cgroup_root);
		}
	}
	return fd;
}

void cc_cpu_max_text(uint64_t percent, char *out, size_t out_len)
{
	if (percent == CC_LIMIT_UNLIMITED)
		snprintf(out, out_len, "max 100000");
	else
		snprintf(out, out_len, "%llu 100000", (unsigned long long)percent * 1000);
}

/* "254:0 rbps=max wbps=2097152 riops=max wiops=max": one disk's io.max. */
static void io_max_line(const struct cc_io_disk *disk, const struct cc_io_max *max, char *out, size_t out_len)
{
	const uint64_t values[] = {max->rbps, max->wbps, max->riops, max->wiops};
	static const char *const keys[] = {"rbps", "wbps", "riops", "wiops"};
	size_t used = (size_t)snprintf(out, out_len, "%u:%u", disk->major, disk->minor);

	for (size_t i = 0; i < 4 && used < out_len; i++) {
		int n = values[i] == CC_LIMIT_UNLIMITED
				? snprintf(out + used, out_len - used, " %s=max", keys[i])
				: snprintf(out + used, out_len - used, " %s=%llu", keys[i], (unsigned long long)values[i]);

		if (n < 0)
			return;
		used += (size_t)n;
	}
}

/* io.weight, and io.max on each disk of the chat's trees (all four keys,
 * so "max" lifts an earlier cap). */
static int write_io(int fd, const struct cc_config *config, const char *name, const struct cc_limits *l,
		    struct cc_err *err)
{
	struct cc_io_disks disks;
	char text[160];
	int r;

	snprintf(text, sizeof(text), "default %llu", (unsigned long long)l->io_weight);
	r = cg_write(fd, "io.weight", text);
	/* A kernel without blk-iocost has no io.weight: every chat gets the
	 * same share anyway, which is only wrong if another was asked for. */
	if (r == -ENOENT && l->io_weight == CC_IO_WEIGHT_DEFAULT)
		r = 0;
	if (r < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot write %s/%s/io.weight (%s)", config->cgroup_root, name,
				     text);
	cc_io_disks_find(config, &disks);
	for (size_t i = 0; i < disks.count; i++) {
		io_max_line(&disks.disk[i], &l->io_max, text, sizeof(text));
		r = cg_write(fd, "io.max", text);
		if (r < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot write %s/%s/io.max (%s)", config->cgroup_root,
					     name, text);
	}
	return 0;
}

static int write_limits(int fd, const struct cc_config *config, const char *name, const struct cc_limits *l,
			struct cc_err *err)
{
	char memory[32], pids[32], cpu[32];
	const struct {
		const char *file, *value;
	} writes[] = {{"memory.max", memory}, {"memory.swap.max", "0"}, {"pids.max", pids}, {"cpu.max", cpu}};

	snprintf(memory, sizeof(memory), l->memory_max == CC_LIMIT_UNLIMITED ? "max" : "%llu",
		 (unsigned long long)l->memory_max);
	snprintf(pids, sizeof(pids), l->pids_max == CC_LIMIT_UNLIMITED ? "max" : "%llu", (unsigned long long)l->pids_max);
	cc_cpu_max_text(l->cpu_max_percent, cpu, sizeof(cpu));
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		int r = cg_write(fd, writes[i].file, writes[i].value);

		/* memory.swap.max is absent without swap accounting: nothing to cap. */
		if (r == -ENOENT && strcmp(writes[i].file, "memory.swap.max") == 0)
			continue;
		if (r < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot write %s/%s/%s", config->cgroup_root, name,
					     writes[i].file);
	}
	return write_io(fd, config, name, l, err);
}

int cgfs_check(const struct cc_config *config, struct cc_err *err)
{
	return check_unified(err);
}

int cgfs_prepare(const struct cc_config *config, struct cc_err *err)
{
	char parent[CC_PATH_MAX + 1];
	char *slash;
	int fd;

	if (check_unified(err) < 0)
		return -1;
	/* A subtree directly below the mount root gets its controllers from the
	 * root cgroup, which may enable them whatever processes it holds. */
	snprintf(parent, sizeof(parent), "%s", config->cgroup_root);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	if (strcmp(parent, "/sys/fs/cgroup") == 0) {
		int root = open("/sys/fs/cgroup", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (root >= 0) {
			cg_write(root, "cgroup.subtree_control", ENABLE_ALL);
			close(root);
		}
	}
	fd = open_root(config, true, err);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int cgfs_apply(const struct cc_config *config, const char *name, const struct cc_limits *limits, pid_t pid,
	       struct cc_err *err)
{
	int root = open_root(config, limits != NULL, err), chat, r = 0;

	if (root < 0)
		return -1;
	chat = open_chat(root, config, name, limits != NULL, err);
	close(root);
	if (chat < 0)
		return -1;
	if (limits)
		r = write_limits(chat, config, name, limits, err);
	if (r == 0 && pid > 0) {
		char text[16];
		int w;

		snprintf(text, sizeof(text), "%d", (int)pid);
		w = cg_write(chat, "cgroup.procs", text);
		if (w < 0)
			r = cc_fail_errno(err, CC_ERR_SYSTEM, -w, "cannot move the session into %s/%s", config->cgroup_root,
					  name);
	}
	close(chat);
	return r;
}

int cgfs_kill(const struct cc_config *config, const char *name, bool remove, struct cc_err *err)
{
	int root = open_root(config, false, err), chat, r;

	if (root < 0)
		return -1;
	chat = open_chat(root, config, name, false, err);
	if (chat < 0) {
		close(root);
		return err->kind == CC_ERR_NOT_FOUND ? 0 : -1; /* no cgroup: nothing runs in it */
	}
	r = cg_write(chat, "cgroup.kill", "1");
	if (r == -ENOENT)
		cc_fail(err, CC_ERR_SYSTEM, "%s/%s has no cgroup.kill: chatcell's cgroupfs backend needs Linux 5.14 or later",
			config->cgroup_root, name);
	else if (r < 0)
		cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot kill the processes of %s/%s", config->cgroup_root, name);
	else if (cg_wait_empty(chat, KILL_WAIT_MS) < 0)
		r = cc_fail(err, CC_ERR_SYSTEM, "the processes of %s/%s did not end within %d s", config->cgroup_root, name,
			    KILL_WAIT_MS / 1000);
	else
		r = 0;
	close(chat);
	if (r == 0 && remove && unlinkat(root, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot remove the cgroup %s/%s", config->cgroup_root, name);
	close(root);
	return r < 0 ? -1 : 0;
}

int cgfs_usage(const struct cc_config *config, const char *name, struct cc_cgroup_usage *usage, struct cc_err *err)
{
	int root = open_root(config, false, err), chat, r;

	if (root < 0)
		return -1;
	chat = open_chat(root, config, name, false, err);
	close(root);
	if (chat < 0)
		return -1;
	r = cg_read_usage(chat, usage);
	close(chat);
	return r < 0 ? cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot read the usage of %s/%s", config->cgroup_root, name)
		     : 0;
}
