/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "sandbox/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/text_copy.h"
#include "sandbox/landlock_paths.h"
#include "view/view_format.h"

/* Debian 12's headers stop at ABI 2: the later UAPI, from the kernel's
 * include/uapi/linux/landlock.h. */
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define NET_BIND_TCP (1ULL << 0)
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define RULE_NET_PORT 2

/* struct landlock_ruleset_attr as of ABI 6; an older kernel accepts it
 * as long as the fields it does not know are zero. */
struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

struct net_port_attr {
	uint64_t allowed_access;

	uint64_t port;
};

#define FS_ABI1 ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)
#define FS_READ (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
/* Everything but device nodes (which need CAP_MKNOD anyway). */
#define FS_WRITE (~(uint64_t)(LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK))
/* The rights a rule on a file (not a directory) may carry. */
#define FS_FILE                                                                                              \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |        \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

uint64_t cc_landlock_fs_rights(int abi)
{
	uint64_t rights = FS_ABI1;

	if (abi < 1)
		return 0;
	if (abi >= 2)
		rights |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		rights |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		rights |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return rights;
}

int cc_landlock_abi(const char **why)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	if (abi >= 1)
		return abi > 1000 ? 1000 : (int)abi;
	if (errno == ENOSYS)
		*why = "this kernel has no Landlock (CONFIG_SECURITY_LANDLOCK, Linux 5.13 or later)";
	else if (errno == EOPNOTSUPP)
		*why = "Landlock is built into this kernel but not enabled: add landlock to its lsm= boot parameter";
	else
		*why = "the kernel does not say which Landlock ABI it offers";
	return 0;
}

void cc_landlock_describe(int abi, const struct cc_config *config, char *out, size_t out_len)
{
	snprintf(out, out_len, "files (ABI %d)%s%s", abi,
		 config->bind_port_ranges ? (abi >= 4 ? ", TCP bind" : ", TCP bind needs ABI 4") : "",
		 abi >= 6 ? ", abstract unix sockets" : "");
}

struct ruleset {
	int fd;
	uint64_t handled;
	struct cc_err *err;
};

/* Allow `rights` beneath the file or directory open at `fd`. */
static int allow_fd(struct ruleset *rs, int fd, uint64_t rights, const char *path)
{
	struct landlock_path_beneath_attr beneath = {.parent_fd = fd};
	struct stat st;

	if (fstat(fd, &st) < 0)
		return cc_fail_errno(rs->err, CC_ERR_SYSTEM, errno, "cannot inspect %s for the session's Landlock ruleset",
				     path);
	if (!S_ISDIR(st.st_mode))
		rights &= FS_FILE;
	beneath.allowed_access = rights & rs->handled;
	if (syscall(SYS_landlock_add_rule, rs->fd, LANDLOCK_RULE_PATH_BENEATH, &beneath, 0) < 0)
		return cc_fail_errno(rs->err, CC_ERR_SYSTEM, errno, "cannot add %s to the session's Landlock ruleset",
				     path);
	return 0;
}

/* A default path the host lacks grants nothing and is skipped. */
static int allow_path(struct ruleset *rs, const char *path, uint64_t rights)
{
	cc_cleanup_close int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return 0;
	if (fd < 0)
		return cc_fail_errno(rs->err, CC_ERR_SYSTEM, errno, "cannot open %s for the session's Landlock ruleset",
				     path);
	return allow_fd(rs, fd, rights, path);
}

/* A path someone named (chatcell.conf, the chat's home) must exist: a
 * login without it would fail in confusing ways later, so it is refused
 * now, saying which path. `what` names where the path comes from. */
static int allow_named(struct ruleset *rs, const char *path, uint64_t rights, const char *what)
{
	cc_cleanup_close int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return cc_fail(rs->err, CC_ERR_SYSTEM,
			       "cannot open %s (%s) for the session's Landlock ruleset: %s; the chat's logins are refused "
			       "until it exists",
			       path, what, strerror(errno));
	return allow_fd(rs, fd, rights, path);
}

static int allow_pattern(struct ruleset *rs, const char *pattern, uint64_t rights)
{
	glob_t found;
	int rc = 0;

	if (!strchr(pattern, '*'))
		return allow_path(rs, pattern, rights);
	if (glob(pattern, GLOB_NOSORT, NULL, &found) != 0)
		return 0;
	for (size_t i = 0; rc == 0 && i < found.gl_pathc; i++)
		rc = allow_path(rs, found.gl_pathv[i], rights);
	globfree(&found);
	return rc;
}

static int allow_list(struct ruleset *rs, const char *const *paths, uint64_t rights)
{
	for (size_t i = 0; paths[i]; i++)
		if (allow_pattern(rs, paths[i], rights) < 0)
			return -1;
	return 0;
}

/* A ':'-separated list from chatcell.conf: each path must exist when
 * `what` names the list, or is skipped when missing (what == NULL). */
static int allow_config_list(struct ruleset *rs, const char *list, uint64_t rights, const char *what)
{
	char copy[CC_PATH_LIST_MAX + 1], *save = NULL;

	cc_copy(copy, sizeof(copy), list);
	for (char *path = strtok_r(copy, ":", &save); path; path = strtok_r(NULL, ":", &save))
		if ((what ? allow_named(rs, path, rights, what) : allow_path(rs, path, rights)) < 0)
			return -1;
	return 0;
}

/* POSIX message queues live in the IPC namespace's mqueue instance, which
 * mq_open reaches without any path of ours. `mqueue` is a mount of it the
 * caller has (the one a cell's keeper put over /dev/mqueue), or -1: then a
 * new mount of the instance names its root. /dev/mqueue itself is not
 * trusted to be this instance: one the host mounts there later propagates
 * into the cell. Closing a new mount, never attached, waits for an RCU
 * grace period (0.6 ms of every cell start, measured), hence the kept one
 * where there is one. Without the mount API the queues stay closed. */
static int allow_mqueue(struct ruleset *rs, int mqueue)
{
	cc_cleanup_close int fs = -1;
	cc_cleanup_close int mnt = -1;

	if (mqueue >= 0)
		return allow_fd(rs, mqueue, FS_WRITE, "the cell's POSIX message queues");
	fs = fsopen("mqueue", FSOPEN_CLOEXEC);
	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return 0;
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		return 0;
	return allow_fd(rs, mnt, FS_WRITE, "the cell's POSIX message queues");
}

static int allow_bind_ports(struct ruleset *rs, const struct cc_config *config)
{
	struct net_port_attr port;

	port.allowed_access = NET_BIND_TCP;
	port.port = 0;

	/* Port 0 is "any free port": what clients that bind before
	 * connecting ask for. */
	if (syscall(SYS_landlock_add_rule, rs->fd, RULE_NET_PORT, &port, 0) < 0)
		return cc_fail_errno(rs->err, CC_ERR_SYSTEM, errno, "cannot add a TCP port to the session's Landlock ruleset");
	for (unsigned i = 0; i < config->bind_port_ranges; i++) {
		for (uint32_t p = config->bind_ports[i].first; p <= config->bind_ports[i].last; p++) {
			port.port = p;
			if (syscall(SYS_landlock_add_rule, rs->fd, RULE_NET_PORT, &port, 0) < 0)
				return cc_fail_errno(rs->err, CC_ERR_SYSTEM, errno,
						     "cannot add TCP port %u to the session's Landlock ruleset", p);
		}
	}
	return 0;
}

static int fill(struct ruleset *rs, const struct cc_config *config, const char *home, bool bind_rules, int mqueue)
{
	char shell_dir[CC_PATH_MAX + 1];
	char *slash;

	cc_copy(shell_dir, sizeof(shell_dir), config->shell);
	slash = strrchr(shell_dir, '/');
	if (slash && slash != shell_dir)
		*slash = '\0';
	/* CC_VIEW_DIR: the names of chats, for NSS. */
	if (allow_list(rs, cc_landlock_read_paths, FS_READ) < 0 || allow_list(rs, cc_landlock_write_paths, FS_WRITE) < 0 ||
	    allow_path(rs, CC_VIEW_DIR, FS_READ) < 0 ||
	    allow_path(rs, config->shims_dir, FS_READ) < 0 || allow_path(rs, shell_dir, FS_READ) < 0 ||
	    allow_config_list(rs, config->path_append, FS_READ, NULL) < 0 ||
	    allow_config_list(rs, config->landlock_read, FS_READ, "landlock_read in chatcell.conf") < 0 ||
	    allow_config_list(rs, config->landlock_write, FS_WRITE, "landlock_write in chatcell.conf") < 0)
		return -1;
	if (allow_mqueue(rs, mqueue) < 0 || allow_named(rs, home, FS_WRITE, "the chat's home") < 0)
		return -1;
	return bind_rules ? allow_bind_ports(rs, config) : 0;
}

void cc_landlock_assess(const struct cc_config *config, struct cc_landlock_state *st)
{
	const bool required = config->landlock == CC_LANDLOCK_REQUIRED;

	*st = (struct cc_landlock_state){0};
	if (config->landlock == CC_LANDLOCK_OFF) {
		st->why = "landlock = off in chatcell.conf";
		return;
	}
	st->abi = cc_landlock_abi(&st->why);
	if (st->abi == 0) {
		st->refused = required;
		return;
	}
	if (config->bind_port_ranges && st->abi < 4) {
		st->why = "landlock_bind_ports needs Landlock ABI 4 (Linux 6.7)";
		if (required) {
			st->refused = true;
			return;
		}
	}
	st->in_force = true;
}

int cc_landlock_prepare(const struct cc_config *config, const char *home, int mqueue, int *ruleset,
			const char **skipped, struct cc_err *err)
{
	struct ruleset_attr attr = {0};
	struct ruleset rs = {.fd = -1, .err = err};
	struct cc_landlock_state st;
	bool bind_rules;

	*ruleset = -1;
	*skipped = NULL;
	cc_landlock_assess(config, &st);
	if (st.refused && st.abi)
		return cc_fail(err, CC_ERR_SYSTEM,
			       "%s and this kernel offers ABI %d; chat logins are refused while chatcell.conf says landlock "
			       "= required",
			       st.why, st.abi);
	if (st.refused)
		return cc_fail(err, CC_ERR_SYSTEM, "%s; chat logins are refused while chatcell.conf says landlock = required",
			       st.why);
	if (!st.in_force) {
		*skipped = st.why;
		return 0;
	}
	bind_rules = config->bind_port_ranges && st.abi >= 4;
	attr.handled_access_fs = cc_landlock_fs_rights(st.abi);
	attr.handled_access_net = bind_rules ? NET_BIND_TCP : 0;
	attr.scoped = st.abi >= 6 ? SCOPE_ABSTRACT_UNIX_SOCKET : 0;
	rs.handled = attr.handled_access_fs;
	rs.fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (rs.fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create the session's Landlock ruleset (ABI %d)",
				     st.abi);
	if (fill(&rs, config, home, bind_rules, mqueue) < 0) {
		close(rs.fd);
		return -1;
	}
	*ruleset = rs.fd;
	return 1;
}

int cc_landlock_enforce(int ruleset, struct cc_err *err)
{
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot enforce the session's Landlock ruleset");
	return 0;
}

int cc_landlock_restrict(const struct cc_config *config, const char *home, const char **skipped, struct cc_err *err)
{
	int ruleset, rc = cc_landlock_prepare(config, home, -1, &ruleset, skipped, err);

	if (rc <= 0)
		return rc;
	rc = cc_landlock_enforce(ruleset, err);
	close(ruleset);
	return rc < 0 ? -1 : 1;
}

int cc_landlock_keep(void *ctx, int mqueue)
{
	const struct cc_landlock_keep *keep = ctx;
	struct cc_err ignored = {0};
	const char *skipped;
	int ruleset = -1;

	cc_landlock_prepare(keep->config, keep->home, mqueue, &ruleset, &skipped, &ignored);
	return ruleset;
}

/* FNV-1a, 64 bits: enough to tell two configurations apart (the inputs
 * are the administrator's, not an adversary's). */
static uint64_t fnv1a(uint64_t hash, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		hash = (hash ^ *c) * 0x100000001b3ull;
	return (hash ^ 0xff) * 0x100000001b3ull; /* a separator, so "ab","c" differs from "a","bc" */
}

void cc_landlock_keep_init(struct cc_landlock_keep *keep, const struct cc_config *config, const char *name)
{
	uint64_t hash = 0xcbf29ce484222325ull;
	char ports[16];

	keep->config = config;
	snprintf(keep->home, sizeof(keep->home), "%s/%s", config->home_base, name);
	/* What this build grants, so that a cell started by an older one is
	 * not trusted after an upgrade. */
	hash = fnv1a(hash, PACKAGE_VERSION);
	for (size_t i = 0; cc_landlock_read_paths[i]; i++)
		hash = fnv1a(hash, cc_landlock_read_paths[i]);
	for (size_t i = 0; cc_landlock_write_paths[i]; i++)
		hash = fnv1a(hash, cc_landlock_write_paths[i]);

	snprintf(ports, sizeof(ports), "%d", (int)config->landlock);
	hash = fnv1a(hash, ports);
	for (unsigned i = 0; i < config->bind_port_ranges; i++) {
		snprintf(ports, sizeof(ports), "%u-%u", config->bind_ports[i].first, config->bind_ports[i].last);
		hash = fnv1a(hash, ports);
	}
	hash = fnv1a(hash, config->landlock_read);
	hash = fnv1a(hash, config->landlock_write);
	hash = fnv1a(hash, config->path_append);
	hash = fnv1a(hash, config->shims_dir);
	hash = fnv1a(hash, config->shell);
	hash = fnv1a(hash, keep->home);
	snprintf(keep->key, sizeof(keep->key), "%016llx", (unsigned long long)hash);
}
