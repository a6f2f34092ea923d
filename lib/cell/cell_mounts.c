/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/cell_mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/trusted_dir.h"
#include "cell/bind_instances.h"
#include "cell/cell_resolv.h"
#include "cell/private_proc.h"
#include "fs/tmp_instances.h"

/* Kernel features this needs, named in the errors an administrator sees. */
#define NEW_MOUNT_API "the new mount API (fsopen/fsmount/move_mount, Linux 5.2)"

struct option {
	const char *key;
	const char *value; /* NULL: a flag */
};

/* A new instance of `type` with these options, as a detached mount. */
static int fresh_mount(const char *type, const struct option *options, unsigned attrs, struct cc_err *err)
{
	cc_cleanup_close int fs = fsopen(type, FSOPEN_CLOEXEC);
	int mnt;

	if (fs < 0)
		return errno == ENOSYS ? cc_fail(err, CC_ERR_SYSTEM, "this kernel lacks %s", NEW_MOUNT_API)
				       : cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create a %s instance (fsopen)", type);
	for (const struct option *o = options; o && o->key; o++) {
		int rc = o->value ? fsconfig(fs, FSCONFIG_SET_STRING, o->key, o->value, 0)
				  : fsconfig(fs, FSCONFIG_SET_FLAG, o->key, NULL, 0);

		if (rc < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot set %s%s%s on the cell's %s", o->key,
					     o->value ? "=" : "", o->value ? o->value : "", type);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create the cell's %s", type);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (mnt < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot mount the cell's %s", type);
	return mnt;
}

/* Does the host lack `target`? Asked before a mount is made for it: a
 * detached mount closed unplaced is unmounted, and that waits for an RCU
 * grace period (0.2-0.8 ms of a cell start here). */
static bool host_lacks(const char *target)
{
	struct stat st;

	return lstat(target, &st) < 0 && errno == ENOENT;
}

/* Put the detached mount `mnt` over `target`: 1. With optional, a target
 * the host lacks is skipped: 0. */
static int place(int mnt, const char *target, bool optional, struct cc_err *err)
{
	cc_cleanup_close int fd = open(target, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && optional && errno == ENOENT)
		return 0;
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s (no symbolic links)", target);
	if (move_mount(mnt, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot mount the cell's own %s", target);
	return 1;
}

/* A new instance of `type` over `target` (skipped where the host lacks an
 * optional one). With `kept`, the mount is left open there once placed
 * (else -1). */
static int mount_fresh_over(const char *type, const struct option *options, unsigned attrs, const char *target,
			    bool optional, int *kept, struct cc_err *err)
{
	cc_cleanup_close int mnt = -1;
	int placed;

	if (kept)
		*kept = -1;
	if (optional && host_lacks(target))
		return 0;
	mnt = fresh_mount(type, options, attrs, err);
	if (mnt < 0)
		return -1;
	placed = place(mnt, target, optional, err);
	if (placed > 0 && kept)
		*kept = cc_take_fd(&mnt);
	return placed < 0 ? -1 : 0;
}

/* A clone of the file or directory `name` in `dir`, with these mount
 * attributes, over `target` (skipped if the host has no such target). */
static int bind_from(int dir, const char *name, unsigned attrs, const char *target, struct cc_err *err)
{
	struct mount_attr attr = {.attr_set = attrs};
	cc_cleanup_close int tree = -1;

	if (host_lacks(target))
		return 0;
	tree = open_tree(dir, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
	if (tree < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot clone %s for the cell's %s", name, target);
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot set the mount options of the cell's %s", target);
	return place(tree, target, true, err);
}

static int mount_instances(const struct cc_cell_spec *spec, struct cc_err *err)
{
	cc_cleanup_close int state_fd = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, err);
	struct cc_instances inst;
	int rc;

	if (state_fd < 0)
		return -1;
	if (cc_instances_open(state_fd, spec->name, &inst, err) < 0)
		return -1;
	rc = cc_bind_instances(&inst, err);
	cc_instances_close(&inst, rc < 0);
	return rc;
}

static int mount_ptys(const struct cc_cell_spec *spec, struct cc_err *err)
{
	char max[16], gid[16];
	struct option options[] = {{"ptmxmode", "0666"}, {"mode", "0620"}, {"gid", gid}, {"max", max}, {NULL, NULL}};
	cc_cleanup_close int ptmx = -1;
	struct stat st;

	snprintf(max, sizeof(max), "%u", spec->ptys_max);
	snprintf(gid, sizeof(gid), "%u", (unsigned)spec->tty_gid);
	if (mount_fresh_over("devpts", options, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev/pts", false, NULL, err) < 0)
		return -1;
	/* A /dev/ptmx device node opens the instance at /dev/pts beside it
	 * (Linux 4.7); bind the instance's own over it all the same. A
	 * symbolic link to pts/ptmx needs nothing. */
	if (lstat("/dev/ptmx", &st) < 0 || !S_ISCHR(st.st_mode))
		return 0;
	ptmx = open("/dev/pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ptmx < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open the cell's /dev/pts");
	return bind_from(ptmx, "ptmx", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev/ptmx", err);
}

/* The host's login records and key counts stay out of sight: /dev/null
 * over each, so the cell reads nothing and the login bookkeeping of su,
 * runuser and sshd (which write these files as root from inside the cell)
 * still succeeds. Chat logins are recorded in the registry instead. */
static const char *const login_records[] = {"/run/utmp", "/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog"};

/* With `always`, over every record the host has (the cell's start); else
 * over those that are no longer /dev/null in the cell (a login joining a
 * running cell: logrotate moved wtmp aside and made a new one, and the
 * cell's mount went with the old file). */
static int mount_blanks(bool always, struct cc_err *err)
{
	cc_cleanup_close int dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dev < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open /dev");
	for (size_t i = 0; i < sizeof(login_records) / sizeof(login_records[0]); i++) {
		struct stat st;

		if (!always && (lstat(login_records[i], &st) < 0 || S_ISCHR(st.st_mode)))
			continue;
		if (bind_from(dev, "null", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, login_records[i], err) < 0)
			return -1;
	}
	if (!always) /* procfs: nothing replaces it */
		return 0;
	return bind_from(dev, "null", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/proc/key-users", err);
}

static int mount_cgroup_view(const struct cc_cell_spec *spec, struct cc_err *err)
{
	const unsigned attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	const struct option empty[] = {{"mode", "0755"}, {"size", "4k"}, {NULL, NULL}};

	if (spec->cgroup2)
		return mount_fresh_over("cgroup2", NULL, attrs, "/sys/fs/cgroup", false, NULL, err);
	return mount_fresh_over("tmpfs", empty, attrs, "/sys/fs/cgroup", true, NULL, err);
}

/* The host's services a chat must not reach from its cell, though their
 * sockets let anyone connect (Landlock does not mediate connect() on a
 * path): out of sight, a directory under an empty read-only tmpfs, a lone
 * socket (its directory holds what the cell needs) under /dev/null. */
static const struct host_service {
	const char *path;
	const char *socket; /* shows the service: a login hides it again */
	bool dir;
} host_services[] = {
	/* nscd: glibc asks it first for users, groups and host names, so
	 * the chat's lookups would go to the host's resolvers, past the gate */
	{"/var/run/nscd", "/var/run/nscd/socket", true},
	/* the D-Bus system bus: every user's logins (logind), names resolved
	 * by systemd-resolved past the gate (resolve1) */
	{"/run/dbus", "/run/dbus/system_bus_socket", true},
	/* avahi: mDNS lookups on the host's networks (nss-mdns) */
	{"/run/avahi-daemon", "/run/avahi-daemon/socket", true},
	/* CUPS: a print job goes out to the host's printers (and any
	 * network printer they name), past the cell's egress policy */
	{"/run/cups", "/run/cups/cups.sock", true},
	/* systemd-resolved's lookups (nss-resolve, varlinkctl); its
	 * directory holds the stub resolv.conf that /etc/resolv.conf may
	 * name, over which the cell's own goes */
	{"/run/systemd/resolve/io.systemd.Resolve", "/run/systemd/resolve/io.systemd.Resolve", false},
};

static int hide(const struct host_service *h, struct cc_err *err)
{
	const struct option empty[] = {{"mode", "0755"}, {"size", "4k"}, {"nr_inodes", "1"}, {NULL, NULL}};
	const unsigned attrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	cc_cleanup_close int dev = -1;

	if (h->dir)
		return mount_fresh_over("tmpfs", empty, attrs, h->path, true, NULL, err);
	dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dev < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open /dev");
	return bind_from(dev, "null", attrs, h->path, err) < 0 ? -1 : 0;
}

int cc_cell_hide_host_services(bool always, struct cc_err *err)
{
	for (size_t i = 0; i < sizeof(host_services) / sizeof(host_services[0]); i++) {
		const struct host_service *h = &host_services[i];
		struct stat st;

		if (!always && (lstat(h->socket, &st) < 0 || !S_ISSOCK(st.st_mode)))
			continue;
		if (hide(h, err) < 0)
			return -1;
	}
	return 0;
}

int cc_cell_restore_mounts(const struct cc_config *config, struct cc_err *err)
{
	if (cc_cell_restore_resolv_conf(config, err) < 0 || mount_blanks(false, err) < 0)
		return -1;
	return cc_cell_hide_host_services(false, err);
}

int cc_cell_build_mounts(const struct cc_cell_spec *spec, int *mqueue, struct cc_err *err)
{
	const struct option run_lock[] = {{"mode", "1777"}, {"size", "1m"}, {"nr_inodes", "256"}, {NULL, NULL}};
	const unsigned plain = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;

	*mqueue = -1;
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot make / a recursive slave mount in the cell");
	if (mount_instances(spec, err) < 0 || cc_mount_private_proc(spec->proc_gid, err) < 0 ||
	    mount_ptys(spec, err) < 0 || mount_fresh_over("mqueue", NULL, plain, "/dev/mqueue", true, mqueue, err) < 0 ||
	    mount_fresh_over("tmpfs", run_lock, plain, "/run/lock", true, NULL, err) < 0 || mount_blanks(true, err) < 0 ||
	    mount_cgroup_view(spec, err) < 0 || cc_cell_hide_host_services(true, err) < 0 ||
	    cc_cell_mount_resolv_conf(spec->net_config, err) < 0) {
		if (*mqueue >= 0)
			close(*mqueue);
		*mqueue = -1;
		return -1;
	}
	return 0;
}
