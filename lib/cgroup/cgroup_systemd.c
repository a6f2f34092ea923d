/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The systemd backend: one transient slice per chat, chatcell-<uid>.slice
 * inside chatcell.slice, carrying MemoryMax, MemorySwapMax, TasksMax,
 * CPUQuota, IOWeight and the IO*Max caps, and in it one transient scope
 * per running cell, chatcell-<uid>-cell.scope: started with the cell's
 * keeper, and every login of the chat attached to it
 * (AttachProcessesToUnit, systemd 238).
 * All over D-Bus (sd-bus): systemd is the only writer of its tree. Usage
 * is read from the slice's cgroup files. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup_backends.h"
#include "cgroup/cgroup_files.h"
#include "cgroup/io_disks.h"
#include "cgroup/sdbus_dl.h"

#define SD_DESTINATION "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"
#define JOB_WAIT_USEC (30ULL * 1000 * 1000)
#define KILL_WAIT_MS 10000

/* libsystemd's functions, for the helpers below: the entry points
 * (cgsd_apply, cgsd_kill) load them first and fail if they cannot. */
#define SD (cc_sdbus_loaded())

static void slice_name(uint32_t uid, char *out, size_t out_len)
{
	snprintf(out, out_len, "chatcell-%u.slice", uid);
}

static int bus_fail(struct cc_err *err, int r, const sd_bus_error *e, const char *doing)
{
	if (e && SD->error_is_set(e))
		return cc_fail(err, CC_ERR_SYSTEM, "%s: %s", doing, e->message ? e->message : e->name);
	return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "%s", doing);
}

/* The system bus, subscribed to systemd's signals (JobRemoved tells when a
 * job ends; systemd sends it only to subscribers). */
static int open_bus(sd_bus **bus, struct cc_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (!cc_sdbus_load(err))
		return -1;
	r = SD->open_system(bus);

	if (r < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot reach systemd over D-Bus (is dbus running?)");
	r = SD->call_method(*bus, SD_DESTINATION, SD_PATH, SD_MANAGER, "Subscribe", &e, NULL, NULL);
	if (r < 0) {
		bus_fail(err, r, &e, "cannot subscribe to systemd's job signals");
		SD->error_free(&e);
		*bus = SD->flush_close_unref(*bus);
		return -1;
	}
	return 0;
}

/* One of the IO*Max properties: a(st), a device path and a value per
 * disk (UINT64_MAX, "infinity", lifts an earlier cap). */
static int append_io_max(sd_bus_message *m, const char *property, const struct cc_io_disks *disks, uint64_t value)
{
	int r = SD->message_open_container(m, 'r', "sv");

	if (r >= 0)
		r = SD->message_append(m, "s", property);
	if (r >= 0)
		r = SD->message_open_container(m, 'v', "a(st)");
	if (r >= 0)
		r = SD->message_open_container(m, 'a', "(st)");
	for (size_t i = 0; r >= 0 && i < disks->count; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/dev/block/%u:%u", disks->disk[i].major, disks->disk[i].minor);
		r = SD->message_append(m, "(st)", path, value);
	}
	for (int depth = 0; r >= 0 && depth < 3; depth++)
		r = SD->message_close_container(m);
	return r;
}

/* The limit properties of a chat's slice. */
static int append_limits(sd_bus_message *m, const struct cc_limits *l, const struct cc_io_disks *disks)
{
	const struct {
		const char *property;
		uint64_t value;
	} caps[] = {{"IOReadBandwidthMax", l->io_max.rbps},
		    {"IOWriteBandwidthMax", l->io_max.wbps},
		    {"IOReadIOPSMax", l->io_max.riops},
		    {"IOWriteIOPSMax", l->io_max.wiops}};
	uint64_t quota = l->cpu_max_percent == CC_LIMIT_UNLIMITED ? UINT64_MAX : l->cpu_max_percent * 10000;
	int r = SD->message_append(m, "(sv)(sv)(sv)(sv)(sv)", "MemoryMax", "t", l->memory_max, "MemorySwapMax", "t",
				      (uint64_t)0, "TasksMax", "t", l->pids_max, "CPUQuotaPerSecUSec", "t", quota,
				      "IOWeight", "t", l->io_weight);

	for (size_t i = 0; r >= 0 && i < sizeof(caps) / sizeof(caps[0]); i++)
		r = append_io_max(m, caps[i].property, disks, caps[i].value);
	return r;
}

struct job_wait {
	const char *path;
	bool done;
	char result[32];
};

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct job_wait *w = userdata;
	const char *path, *unit, *result;
	uint32_t id;

	if (SD->message_read(m, "uoss", &id, &path, &unit, &result) < 0)
		return 0;
	if (w->path && strcmp(path, w->path) == 0) {
		w->done = true;
		snprintf(w->result, sizeof(w->result), "%s", result);
	}
	return 0;
}

/* Call a Manager method that returns a job, and wait for the job to end.
 * `build` fills the arguments. Returns 0 when the job ended with "done". */
static int call_job(sd_bus *bus, const char *method, int (*build)(sd_bus_message *, const void *), const void *arg,
		    const char *doing, sd_bus_error *e, struct cc_err *err)
{
	sd_bus_message *m = NULL, *reply = NULL;
	sd_bus_slot *slot = NULL;
	struct job_wait w = {0};
	const char *path;
	int r;

	/* Match first, so the job's end cannot be missed. */
	r = SD->match_signal(bus, &slot, SD_DESTINATION, SD_PATH, SD_MANAGER, "JobRemoved", on_job_removed, &w);
	if (r >= 0)
		r = SD->message_new_method_call(bus, &m, SD_DESTINATION, SD_PATH, SD_MANAGER, method);
	if (r >= 0)
		r = build(m, arg);
	if (r >= 0)
		r = SD->call(bus, m, 0, e, &reply);
	if (r >= 0)
		r = SD->message_read(reply, "o", &path);
	if (r < 0) {
		r = bus_fail(err, r, e, doing);
		goto out;
	}
	w.path = path;
	while (!w.done) {
		r = SD->process(bus, NULL);
		if (r > 0)
			continue;
		if (r == 0)
			r = SD->wait(bus, JOB_WAIT_USEC);
		if (r <= 0) {
			r = cc_fail(err, CC_ERR_SYSTEM, "%s: systemd did not finish the job in %llu s", doing,
				    JOB_WAIT_USEC / 1000000);
			goto out;
		}
	}
	r = strcmp(w.result, "done") == 0 ? 0 : cc_fail(err, CC_ERR_SYSTEM, "%s: systemd's job ended with '%s'", doing,
							  w.result);
out:
	SD->message_unref(reply);
	SD->message_unref(m);
	SD->slot_unref(slot);
	return r;
}

struct slice_args {
	const char *slice;
	const char *name;
	const struct cc_limits *limits;
	const struct cc_io_disks *disks;
};

/* StartTransientUnit's arguments: the unit, its properties (appended by
 * `properties`), no auxiliary units. */
static int build_transient(sd_bus_message *m, const char *unit, int (*properties)(sd_bus_message *, const void *),
			   const void *arg)
{
	int r = SD->message_append(m, "ss", unit, "fail");

	if (r >= 0)
		r = SD->message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = properties(m, arg);
	if (r >= 0)
		r = SD->message_close_container(m);
	if (r >= 0)
		r = SD->message_append(m, "a(sa(sv))", 0);
	return r;
}

static int slice_properties(sd_bus_message *m, const void *arg)
{
	const struct slice_args *a = arg;
	char description[96];
	int r;

	snprintf(description, sizeof(description), "chatcell chat %s", a->name);
	r = SD->message_append(m, "(sv)", "Description", "s", description);
	return r < 0 ? r : append_limits(m, a->limits, a->disks);
}

static int build_slice(sd_bus_message *m, const void *arg)
{
	return build_transient(m, ((const struct slice_args *)arg)->slice, slice_properties, arg);
}

/* Start the chat's slice, or update the limits of the running one. */
static int ensure_slice(sd_bus *bus, uint32_t uid, const char *name, const struct cc_limits *limits,
			const struct cc_io_disks *disks, struct cc_err *err)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	struct slice_args a = {NULL, name, limits, disks};
	char slice[64];
	int r;

	slice_name(uid, slice, sizeof(slice));
	a.slice = slice;
	r = call_job(bus, "StartTransientUnit", build_slice, &a, "creating the chat's slice", &e, err);
	if (r < 0 && SD->error_has_name(&e, "org.freedesktop.systemd1.UnitExists")) {
		sd_bus_message *m = NULL;

		SD->error_free(&e);
		r = SD->message_new_method_call(bus, &m, SD_DESTINATION, SD_PATH, SD_MANAGER, "SetUnitProperties");
		if (r >= 0)
			r = SD->message_append(m, "sb", slice, 1);
		if (r >= 0)
			r = SD->message_open_container(m, 'a', "(sv)");
		if (r >= 0)
			r = append_limits(m, limits, disks);
		if (r >= 0)
			r = SD->message_close_container(m);
		if (r >= 0)
			r = SD->call(bus, m, 0, &e, NULL);
		SD->message_unref(m);
		r = r < 0 ? bus_fail(err, r, &e, "updating the limits of the chat's slice") : 0;
	}
	SD->error_free(&e);
	return r;
}

struct scope_args {
	char scope[96];
	char slice[64];
	const char *name;
	pid_t pid;
};

static int scope_properties(sd_bus_message *m, const void *arg)
{
	const struct scope_args *a = arg;
	char description[96];

	snprintf(description, sizeof(description), "chatcell cell of %s", a->name);
	/* OOMPolicy=continue: an OOM kill ends the one process the kernel
	 * picked, not the whole login (systemd's default, stop, would).
	 * Delegate: systemd moves later logins into a running scope
	 * (AttachProcessesToUnit) only for delegated units; nothing is handed
	 * to the chat, the cgroup stays root's. */
	return SD->message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)", "Description", "s", description, "Slice", "s",
				  a->slice, "CollectMode", "s", "inactive-or-failed", "PIDs", "au", 1, (uint32_t)a->pid,
				  "OOMPolicy", "s", "continue", "Delegate", "b", 1);
}

static int build_scope(sd_bus_message *m, const void *arg)
{
	return build_transient(m, ((const struct scope_args *)arg)->scope, scope_properties, arg);
}

/* The slice's cgroup directory (read-only use: usage and emptiness). */
static int open_slice_dir(uint32_t uid)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/fs/cgroup/chatcell.slice/chatcell-%u.slice", uid);
	return open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* systemd skips an IO*Max= entry whose device it cannot resolve, with only
 * a log line: check that io.max has a line for every disk. */
static int check_io_max(int dir, uint32_t uid, const struct cc_limits *limits, const struct cc_io_disks *disks,
			struct cc_err *err)
{
	char text[1024];
	int r;

	if (cc_io_max_is_none(&limits->io_max) || disks->count == 0)
		return 0;
	r = cg_read(dir, "io.max", text, sizeof(text));
	if (r < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot read io.max of chatcell-%u.slice", uid);
	for (size_t i = 0; i < disks->count; i++) {
		char prefix[32];
		const char *p = text;
		size_t len = (size_t)snprintf(prefix, sizeof(prefix), "%u:%u ", disks->disk[i].major, disks->disk[i].minor);

		while (p && strncmp(p, prefix, len) != 0)
			p = (p = strchr(p, '\n')) ? p + 1 : NULL;
		if (!p)
			return cc_fail(err, CC_ERR_SYSTEM,
				       "systemd did not apply io_max to chatcell-%u.slice on %s (%u:%u): is /dev/block/%u:%u "
				       "there (udev)?",
				       uid, disks->disk[i].name, disks->disk[i].major, disks->disk[i].minor,
				       disks->disk[i].major, disks->disk[i].minor);
	}
	return 0;
}

/* systemd leaves out a limit whose controller it cannot enable (kernel
 * without it, DisableControllers= above) and says nothing: check that the
 * slice's cgroup has the interface file of every limit. Memory always
 * (swap is capped at 0), io always (IOWeight is always set). */
static int check_controllers(uint32_t uid, const struct cc_limits *limits, const struct cc_io_disks *disks,
			     struct cc_err *err)
{
	const struct {
		const char *controller;
		bool needed;
	} wanted[] = {{"memory", true},
		      {"pids", limits->pids_max != CC_LIMIT_UNLIMITED},
		      {"cpu", limits->cpu_max_percent != CC_LIMIT_UNLIMITED},
		      {"io", true}};
	int dir = open_slice_dir(uid), r;

	if (dir < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "systemd made no cgroup for chatcell-%u.slice", uid);
	for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		if (wanted[i].needed && !cg_has_controller(dir, wanted[i].controller)) {
			close(dir);
			return cc_fail(err, CC_ERR_SYSTEM,
				       "the %s controller is not enabled for chatcell-%u.slice (no %s.max), so its limit "
				       "would not hold; check the kernel's cgroup controllers and DisableControllers= on "
				       "chatcell.slice",
				       wanted[i].controller, uid, wanted[i].controller);
		}
	}
	r = check_io_max(dir, uid, limits, disks, err);
	close(dir);
	return r;
}

/* What sd_booted(3) checks: systemd creates /run/systemd/system/ early at
 * boot, and nothing else does. */
bool cg_systemd_is_init(void)
{
	struct stat st;

	return lstat("/run/systemd/system", &st) == 0 && S_ISDIR(st.st_mode);
}

int cgsd_check(struct cc_err *err)
{
	if (!cg_systemd_is_init())
		return cc_fail(err, CC_ERR_CONFIG,
			       "cgroup_backend = systemd, but systemd is not PID 1 here; use cgroupfs (or auto)");
	return 0;
}

int cgsd_apply(const struct cc_config *config, uint32_t uid, const char *name, const struct cc_limits *limits,
	       pid_t pid, struct cc_err *err)
{
	struct cc_io_disks disks;
	sd_bus *bus = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (cgsd_check(err) < 0 || open_bus(&bus, err) < 0)
		return -1;
	if (!limits) {
		/* A login into a running cell: its scope exists. */
		char scope[96];

		snprintf(scope, sizeof(scope), "chatcell-%u-cell.scope", uid);
		r = SD->call_method(bus, SD_DESTINATION, SD_PATH, SD_MANAGER, "AttachProcessesToUnit", &e, NULL, "ssau",
				    scope, "", 1, (uint32_t)pid);
		r = r < 0 ? bus_fail(err, r, &e, "moving the process into the chat's cell scope") : 0;
		SD->error_free(&e);
		SD->flush_close_unref(bus);
		return r;
	}
	cc_io_disks_find(config, &disks);
	r = ensure_slice(bus, uid, name, limits, &disks, err);
	if (r == 0 && pid > 0) {
		/* The cell's scope, whether or not pam_systemd ran: the PID (the
		 * keeper, or a login) moves into the chat's slice before it
		 * forks anything. */
		struct scope_args a = {.name = name, .pid = pid};

		slice_name(uid, a.slice, sizeof(a.slice));
		snprintf(a.scope, sizeof(a.scope), "chatcell-%u-cell.scope", uid);
		r = call_job(bus, "StartTransientUnit", build_scope, &a, "moving the process into the chat's slice", &e,
			     err);
		if (r < 0 && SD->error_has_name(&e, "org.freedesktop.systemd1.UnitExists")) {
			SD->error_free(&e);
			r = SD->call_method(bus, SD_DESTINATION, SD_PATH, SD_MANAGER, "AttachProcessesToUnit", &e, NULL,
					    "ssau", a.scope, "", 1, (uint32_t)pid);
			r = r < 0 ? bus_fail(err, r, &e, "moving the process into the chat's cell scope") : 0;
		}
		if (r == 0)
			r = check_controllers(uid, limits, &disks, err);
	}
	SD->error_free(&e);
	SD->flush_close_unref(bus);
	return r;
}

static int build_unit_mode(sd_bus_message *m, const void *arg)
{
	return SD->message_append(m, "ss", (const char *)arg, "replace");
}

/* SIGKILL to every process of the slice, then wait until it is empty. */
static int kill_slice(sd_bus *bus, uint32_t uid, const char *slice, sd_bus_error *e, struct cc_err *err)
{
	int r = SD->call_method(bus, SD_DESTINATION, SD_PATH, SD_MANAGER, "KillUnit", e, NULL, "ssi", slice, "all",
				   SIGKILL);
	int dir;

	if (r < 0)
		return bus_fail(err, r, e, "killing the chat's processes");
	dir = open_slice_dir(uid);
	if (dir >= 0) {
		if (cg_wait_empty(dir, KILL_WAIT_MS) < 0)
			r = cc_fail(err, CC_ERR_SYSTEM, "the processes of %s did not end within %d s", slice,
				    KILL_WAIT_MS / 1000);
		close(dir);
	}
	return r < 0 ? -1 : 0;
}

int cgsd_kill(uint32_t uid, bool remove, struct cc_err *err)
{
	sd_bus *bus = NULL;
	sd_bus_error e = SD_BUS_ERROR_NULL;
	char slice[64];
	int r;

	if (cgsd_check(err) < 0 || open_bus(&bus, err) < 0)
		return -1;
	slice_name(uid, slice, sizeof(slice));
	/* Killed first: stopping alone would send SIGTERM and give a process
	 * that ignores it systemd's stop timeout. Stopping the slice then
	 * removes it and its scopes. */
	r = kill_slice(bus, uid, slice, &e, err);
	if (r == 0 && remove)
		r = call_job(bus, "StopUnit", build_unit_mode, slice, "stopping the chat's slice", &e, err);
	/* A slice that does not exist has nothing in it. */
	if (r < 0 && (SD->error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit") ||
		      SD->error_has_name(&e, "org.freedesktop.systemd1.NoSuchJob")))
		r = 0;
	SD->error_free(&e);
	SD->flush_close_unref(bus);
	return r;
}

int cgsd_usage(uint32_t uid, struct cc_cgroup_usage *usage, struct cc_err *err)
{
	int dir = open_slice_dir(uid), r;

	if (dir < 0)
		return cc_fail(err, CC_ERR_NOT_FOUND, "chatcell-%u.slice is not running (it starts at creation or login)",
			       uid);
	r = cg_read_usage(dir, usage);
	close(dir);
	return r < 0 ? cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot read the usage of chatcell-%u.slice", uid) : 0;
}
