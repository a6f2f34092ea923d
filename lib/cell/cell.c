/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/cell.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/fs_util.h"
#include "base/parse_number.h"
#include "base/text_copy.h"
#include "base/trusted_dir.h"
#include "cell/cell_mounts.h"
#include "fs/tmp_instances.h"
#include "net/cell_net.h"

#define CELL_NAMESPACES (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP | CLONE_NEWNET)
#define STOP_WAIT_MS 10000
/* The longest a login waits for a new keeper's mounts (pam_chatcell(8)). */
#define KEEPER_SETUP_WAIT_MS 10000
/* The descriptors the keeper program is started with. */
#define KEEPER_RECORD_FD 3
#define KEEPER_REPORT_FD 4
#define KEEPER_KEPT_FD 5
#define KEEPER_INDEX_FD 6

static void record_name(uint32_t uid, char out[16])
{
	snprintf(out, 16, "%u", uid);
}

/* The PID of the keeper holding the record's lock, 0 if none. */
static pid_t lock_owner(int record)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	if (fcntl(record, F_GETLK, &fl) < 0 || fl.l_type == F_UNLCK)
		return 0;
	return fl.l_pid;
}

/* The record of `uid`, or -1: with errno ENOENT if there is none. */
static int open_record(uint32_t uid, bool write, bool create, struct cc_err *err)
{
	cc_cleanup_close int dir = cc_open_trusted_dir(CC_CELL_DIR, create ? 0700 : 0, err);
	struct stat st;
	char name[16];
	int fd;

	if (dir < 0) {
		if (err->kind == CC_ERR_NOT_FOUND)
			errno = ENOENT;
		return -1;
	}
	record_name(uid, name);
	/* O_NONBLOCK: a FIFO in its place is refused below, not waited on. */
	fd = openat(dir, name,
		    (write ? O_RDWR : O_RDONLY) | (create ? O_CREAT : 0) | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY,
		    0600);
	if (fd < 0) {
		if (errno == ELOOP)
			cc_fail(err, CC_ERR_PERMISSION,
				"the cell record %s/%s is a symbolic link; chatcell never follows links in its own paths",
				CC_CELL_DIR, name);
		else if (errno != ENOENT)
			cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open the cell record %s/%s", CC_CELL_DIR, name);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077)) {
		close(fd);
		errno = EPERM;
		return cc_fail(err, CC_ERR_PERMISSION, "the cell record %s/%s must be a root-owned 0600 file; refusing it",
			       CC_CELL_DIR, name);
	}
	return fd;
}

/* The record's text: three fixed-width fields, then the chat's name,
 *   "<started> <last login> <last logout> <name>\n"
 * (Unix times, 20 digits each), so a login rewrites its field in place. */
#define FIELD_WIDTH 20
#define FIELD_STARTED 0
#define FIELD_LOGIN 1
#define FIELD_LOGOUT 2
#define FIELD_NAME 3
#define FIELD_OFFSET(i) ((off_t)(i) * (FIELD_WIDTH + 1))

struct record_text {
	int64_t times[3]; /* started, login, logout; 0: never or unreadable */
	char name[CC_NAME_MAX + 1];
	char key[CC_CELL_KEY_MAX + 1]; /* of the kept descriptor, after the name; empty: none */
};

static char *const keeper_environment[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};

static void read_record(int record, struct record_text *r)
{
	char text[FIELD_OFFSET(FIELD_NAME) + CC_NAME_MAX + CC_CELL_KEY_MAX + 3];
	ssize_t n = pread(record, text, sizeof(text) - 1, 0);
	char *key;

	memset(r, 0, sizeof(*r));
	if (n < FIELD_OFFSET(FIELD_NAME))
		return;
	text[n] = '\0';
	text[strcspn(text, "\n")] = '\0';
	for (int i = FIELD_STARTED; i <= FIELD_LOGOUT; i++) {
		char field[FIELD_WIDTH + 1];
		uint64_t value;

		memcpy(field, text + FIELD_OFFSET(i), FIELD_WIDTH);
		field[FIELD_WIDTH] = '\0';
		if (cc_parse_u64(field, 0, INT64_MAX, &value) == 0)
			r->times[i] = (int64_t)value;
	}
	key = strchr(text + FIELD_OFFSET(FIELD_NAME), ' ');
	if (key) {
		*key++ = '\0';
		cc_copy(r->key, sizeof(r->key), key);
	}
	cc_copy(r->name, sizeof(r->name), text + FIELD_OFFSET(FIELD_NAME));
}

int cc_cell_find(uint32_t uid, struct cc_cell *cell, struct cc_err *err)
{
	cc_cleanup_close int record = -1;
	struct record_text text;
	pid_t pid;
	int pidfd;

	cell->pidfd = -1, cell->pid = 0, cell->started = false, cell->name[0] = '\0', cell->kept_key[0] = '\0';
	record = open_record(uid, false, false, err);
	if (record < 0)
		return errno == ENOENT ? 0 : -1;
	pid = lock_owner(record);
	if (pid <= 0)
		return 0; /* a record without its keeper: the cell ended */
	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0) {
		if (errno == ESRCH)
			return 0;
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open the keeper of cell %u (pidfd_open, Linux 5.3)",
				     uid);
	}
	/* The PID may have been reused between the two calls: the lock says
	 * whether this process is still the keeper. */
	if (lock_owner(record) != pid) {
		close(pidfd);
		return 0;
	}
	cell->pidfd = pidfd, cell->pid = pid;
	read_record(record, &text);
	cc_copy(cell->name, sizeof(cell->name), text.name);
	cc_copy(cell->kept_key, sizeof(cell->kept_key), text.key);
	return 1;
}

/* What the cell keeps for its logins, on KEEPER_KEPT_FD across the exec
 * of the keeper program. 0 kept; -1 none (logins then do without it). */
static int keep_descriptor(const struct cc_cell_spec *spec, int mqueue)
{
	int fd = spec->keep(spec->keep_ctx, mqueue);

	if (fd < 0)
		return -1;
	if (fd == KEEPER_KEPT_FD)
		return fcntl(fd, F_SETFD, 0);
	if (dup2(fd, KEEPER_KEPT_FD) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* The new cell's network index, claimed by its starter before the keeper
 * exists, so the network is made from the start of the keeper's setup on:
 * the first byte of the index file, from spec->net_first on, that nobody
 * holds a lock on, write-locked and then turned into a read lock. The
 * keeper takes a read lock of its own on it for its whole life (a dead
 * keeper frees its index with its lock); the starter's goes with its
 * descriptor when the start ends. A starter claiming the index meanwhile
 * finds it locked either way. */
static int64_t claim_index(const struct cc_cell_spec *spec, int index_file, struct cc_err *err)
{
	for (uint64_t n = 0; n < spec->net_slots; n++) {
		uint64_t index = (spec->net_first + n) % spec->net_slots;
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)index, .l_len = 1};

		if (fcntl(index_file, F_SETLK, &fl) == 0) {
			fl.l_type = F_RDLCK;
			if (fcntl(index_file, F_SETLK, &fl) == 0)
				return (int64_t)index;
		}
		if (errno != EAGAIN && errno != EACCES)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot start the cell of %s: cannot lock a cell "
					     "network index", spec->name);
	}
	return cc_fail(err, CC_ERR_CONFLICT,
		       "cannot start the cell of %s: all %llu cell network addresses are taken by running cells; widen "
		       "cell_ipv4_range and cell_ipv6_range in chatcell.conf",
		       spec->name, (unsigned long long)spec->net_slots);
}

/* The starter's go to its keeper is an eventfd write, not a pipe write:
 * a pipe's is a "sync" wakeup, which tends to put the keeper on the
 * starter's CPU, busy building the network, rather than on an idle one.
 * A pipe the starter never writes ends the keeper by its hangup if the
 * starter dies before the go. */
struct keeper_go {
	int event;
	int hangup[2];
};

static int go_open(struct keeper_go *go)
{
	go->hangup[0] = go->hangup[1] = -1;
	go->event = eventfd(0, EFD_CLOEXEC);
	return go->event >= 0 && pipe2(go->hangup, O_CLOEXEC) == 0 ? 0 : -1;
}

static void go_close(const struct keeper_go *go)
{
	cc_close_fd(&go->event);
	cc_close_fd(&go->hangup[0]);
	cc_close_fd(&go->hangup[1]);
}

static int go_send(const struct keeper_go *go)
{
	return eventfd_write(go->event, 1);
}

/* In the keeper: true once the starter said go, false if it died first. */
static bool go_wait(const struct keeper_go *go)
{
	struct pollfd fds[] = {{.fd = go->event, .events = POLLIN}, {.fd = go->hangup[0], .events = POLLIN}};
	eventfd_t value;

	while (poll(fds, 2, -1) < 0)
		if (errno != EINTR)
			return false;
	return (fds[0].revents & POLLIN) && eventfd_read(go->event, &value) == 0;
}

/* The keeper side of the start, as PID 1 of the new PID namespace: report
 * what fails on `report` and exit; on success exec the keeper program,
 * which says it is ready on KEEPER_REPORT_FD and keeps the lock. */
__attribute__((noreturn)) static void keeper_setup(const struct cc_cell_spec *spec, int record, int index_file,
						    int64_t index, const struct keeper_go *go, int report)
{
	struct flock shared = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = (off_t)index, .l_len = 1};
	struct cc_err err = {0};
	sigset_t none;
	char idle[16];
	int null, high_record, high_report, high_index, mqueue = -1;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* The starter places this process in the chat's cgroup first. */
	if (!go_wait(go))
		_exit(1);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	high_record = fcntl(record, F_DUPFD_CLOEXEC, 16);
	high_report = fcntl(report, F_DUPFD_CLOEXEC, 16);
	high_index = fcntl(index_file, F_DUPFD_CLOEXEC, 16);
	if (null < 0 || high_record < 0 || high_report < 0 || high_index < 0 || setsid() < 0 || dup2(null, 0) < 0 ||
	    dup2(null, 1) < 0 || dup2(null, 2) < 0 || dup2(high_record, KEEPER_RECORD_FD) < 0 ||
	    dup2(high_report, KEEPER_REPORT_FD) < 0 || dup2(high_index, KEEPER_INDEX_FD) < 0 ||
	    close_range(KEEPER_REPORT_FD + 1, KEEPER_INDEX_FD - 1, 0) < 0 || close_range(KEEPER_INDEX_FD + 1, ~0U, 0) < 0) {
		cc_fail_errno(&err, CC_ERR_SYSTEM, errno, "cannot prepare the keeper's descriptors");
		cc_write_all(report, err.msg, strlen(err.msg));
		_exit(1);
	}
	/* Taken only now: closing any descriptor of the record would drop it. */
	if (fcntl(KEEPER_RECORD_FD, F_SETLK, &(struct flock){.l_type = F_WRLCK, .l_whence = SEEK_SET}) < 0) {
		cc_fail_errno(&err, CC_ERR_CONFLICT, errno, "another keeper holds the cell record");
		goto fail;
	}
	/* Beside the starter's read lock, which it claimed the index with. */
	if (fcntl(KEEPER_INDEX_FD, F_SETLK, &shared) < 0) {
		cc_fail_errno(&err, CC_ERR_SYSTEM, errno, "cannot lock the cell's network index %lld", (long long)index);
		goto fail;
	}
	if (unshare(CLONE_NEWCGROUP) < 0) {
		cc_fail_errno(&err, CC_ERR_SYSTEM, errno, "cannot create the cell's cgroup namespace (unshare)");
		goto fail;
	}
	if (cc_cell_build_mounts(spec, &mqueue, &err) < 0)
		goto fail;
	if (sethostname(spec->name, strlen(spec->name)) < 0 || chdir("/") < 0) {
		cc_fail_errno(&err, CC_ERR_SYSTEM, errno, "cannot name the cell's host");
		goto fail;
	}
	if (spec->keep && keep_descriptor(spec, mqueue) == 0)
		cc_write_all(KEEPER_REPORT_FD, CC_KEEPER_KEPT, strlen(CC_KEEPER_KEPT));
	if (mqueue >= 0)
		close(mqueue); /* attached: its close waits for nothing */
	snprintf(idle, sizeof(idle), "%u", spec->idle_stop);
	/* Nothing of the login's environment reaches PID 1 of the cell. */
	execle(CC_KEEPER_PROGRAM, "chatcell-keeper", idle, (char *)NULL, keeper_environment);
	cc_fail_errno(&err, CC_ERR_SYSTEM, errno, "cannot run %s", CC_KEEPER_PROGRAM);
fail:
	cc_write_all(KEEPER_REPORT_FD, err.msg, strlen(err.msg));
	_exit(1);
}

/* What the keeper reports on its pipe: "+" from the keeper program when
 * it is ready, after "k" if its setup kept a descriptor for logins; or why
 * its setup failed (empty if it died silently). The text read so far is
 * kept in `msg`, `len` bytes. */
struct keeper_report {
	int fd;
	char msg[sizeof(((struct cc_err *)0)->msg)];
	size_t len;
	bool eof;
};

/* Read more of the report: false on EOF or when the keeper took too long
 * (then msg says so). */
static bool report_read(struct keeper_report *r)
{
	struct pollfd report = {.fd = r->fd, .events = POLLIN};

	for (;;) {
		ssize_t n;
		int ready = poll(&report, 1, KEEPER_SETUP_WAIT_MS);

		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0) {
			snprintf(r->msg, sizeof(r->msg), "its keeper did not finish its setup within %d s",
				 KEEPER_SETUP_WAIT_MS / 1000);
			r->len = strlen(r->msg);
			r->eof = true;
			return false;
		}
		n = read(r->fd, r->msg + r->len, sizeof(r->msg) - 1 - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || r->len + (size_t)n == sizeof(r->msg) - 1) {
			r->len += n > 0 ? (size_t)n : 0;
			r->msg[r->len] = '\0';
			r->eof = true;
			return false;
		}
		r->len += (size_t)n;
		r->msg[r->len] = '\0';
		return true;
	}
}

/* The rest of the report, to its end: true if the keeper is ready (and
 * *kept if its setup kept a descriptor), else why not in r->msg. */
static bool keeper_ready(struct keeper_report *r, bool *kept)
{
	while (!r->eof)
		report_read(r);
	*kept = strncmp(r->msg, CC_KEEPER_KEPT, strlen(CC_KEEPER_KEPT)) == 0;
	if (*kept)
		memmove(r->msg, r->msg + strlen(CC_KEEPER_KEPT), strlen(r->msg) - strlen(CC_KEEPER_KEPT) + 1);
	return strcmp(r->msg, CC_KEEPER_READY) == 0;
}

/* The file whose bytes the keepers lock as their network indexes. */
static int open_index_file(struct cc_err *err)
{
	cc_cleanup_close int dir = cc_open_trusted_dir(CC_CELL_DIR, 0700, err);
	struct stat st;
	int fd;

	if (dir < 0)
		return -1;
	fd = openat(dir, CC_CELL_INDEX_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s/%s", CC_CELL_DIR, CC_CELL_INDEX_FILE);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077)) {
		close(fd);
		return cc_fail(err, CC_ERR_PERMISSION, "%s/%s must be a root-owned 0600 file; refusing it", CC_CELL_DIR,
			       CC_CELL_INDEX_FILE);
	}
	return fd;
}

/* The cell's network: its veth pair, made from the host's side into the
 * keeper's namespace. A pair left by a cell that ended a moment ago (the
 * kernel removes a namespace's links after its last process, not at once)
 * holds the same index: it is removed and the pair made again. */
static int build_network(const struct cc_cell_spec *spec, int netns, int64_t index, struct cc_err *err)
{
	struct cc_cell_addrs addrs;
	int rc;

	if (cc_cell_addrs(spec->net_config, (uint32_t)index, &addrs, err) < 0)
		return -1;
	rc = cc_cell_net_create(&addrs, netns, err);
	if (rc < 0 && err->kind == CC_ERR_CONFLICT) {
		struct cc_err stale = {0};

		if (cc_cell_net_destroy((uint32_t)index, &stale) == 0) {
			memset(err, 0, sizeof(*err));
			rc = cc_cell_net_create(&addrs, netns, err);
		}
	}
	return rc;
}

/* What the new cell's network namespace gets from this side while its
 * keeper sets up the rest: its veth pair, then what the starter adds
 * (spec->network_ready: its egress table). */
static int make_network(const struct cc_cell_spec *spec, pid_t keeper, int64_t index, struct cc_err *err)
{
	char path[64];
	cc_cleanup_close int netns = -1;

	/* The keeper is this process's child and not reaped: its PID is its own. */
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)keeper);
	netns = open(path, O_RDONLY | O_CLOEXEC);
	if (netns < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s", path);
	if (build_network(spec, netns, index, err) < 0 ||
	    (spec->network_ready && spec->network_ready(netns, spec->network_ready_ctx, err) < 0)) {
		cc_err_prefix(err, "cannot set up the network of the cell of %s: ", spec->name);
		return -1;
	}
	return 0;
}

/* Does the chat have /tmp instances yet (made at its first cell)? */
static bool instances_exist(const char *name)
{
	struct cc_err ignored = {0};
	cc_cleanup_close int state = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, &ignored);
	char path[sizeof(CC_INSTANCES_DIR) + CC_NAME_MAX + 2];

	snprintf(path, sizeof(path), "%s/%s", CC_INSTANCES_DIR, name);
	return state >= 0 && faccessat(state, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* A start that failed takes back the instances it made. */
static void remove_new_instances(const struct cc_cell *cell)
{
	struct cc_err ignored = {0};
	cc_cleanup_close int state = -1;

	if (!cell->made_instances)
		return;
	state = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, &ignored);
	if (state >= 0)
		cc_instances_remove(state, cell->name, &ignored);
}

/* Ends the process and reaps it; how it ended in *info if asked. */
static void kill_and_reap(int pidfd, siginfo_t *info)
{
	siginfo_t ignored;

	if (!info)
		info = &ignored;
	memset(info, 0, sizeof(*info));
	syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	while (waitid((idtype_t)P_PIDFD, (id_t)pidfd, info, WEXITED | __WALL) < 0 && errno == EINTR)
		;
}

/* How a keeper that reported nothing ended (it was reaped into info). */
static void describe_silent_end(const siginfo_t *info, char *msg, size_t size)
{
	const char *sig = info->si_code == CLD_KILLED || info->si_code == CLD_DUMPED ? sigabbrev_np(info->si_status) : NULL;

	if (sig)
		snprintf(msg, size, "its keeper was killed by SIG%s before it was ready", sig);
	else if (info->si_code == CLD_EXITED)
		snprintf(msg, size, "its keeper ended before it was ready (exit status %d)", info->si_status);
	else
		snprintf(msg, size, "its keeper ended before it was ready");
}

/* The record of a new cell: when it started and whose it is, no login
 * noted yet, and the key of what its keeper keeps for logins. */
static int write_started(int record, const char *name, const char *key)
{
	char text[FIELD_OFFSET(FIELD_NAME) + CC_NAME_MAX + CC_CELL_KEY_MAX + 3];
	int len = snprintf(text, sizeof(text), "%0*lld %0*d %0*d %s%s%s\n", FIELD_WIDTH, (long long)time(NULL),
			   FIELD_WIDTH, 0, FIELD_WIDTH, 0, name, key[0] ? " " : "", key);

	if (ftruncate(record, 0) < 0)
		return -errno;
	return pwrite(record, text, (size_t)len, 0) == len ? 0 : -EIO;
}

int cc_cell_start(const struct cc_cell_spec *spec, cc_cell_placer place, void *place_ctx, struct cc_cell *cell,
		  struct cc_err *err)
{
	cc_cleanup_close int record = open_record(spec->uid, true, true, err);
	cc_cleanup_close int index_file = -1;
	struct keeper_go go = {.event = -1, .hangup = {-1, -1}};
	int report[2] = {-1, -1}, pidfd = -1;
	int64_t index;
	struct clone_args args = {.flags = CLONE_PIDFD | (CELL_NAMESPACES & ~CLONE_NEWCGROUP), .exit_signal = 0};
	struct keeper_report r = {.fd = -1};
	struct cc_err net_err = {0};
	bool reaped = false, kept = false, ready = false, networked = false;
	long pid;
	int rc;

	cell->pidfd = -1, cell->pid = 0, cell->started = false, cell->kept_key[0] = '\0';
	cc_copy(cell->name, sizeof(cell->name), spec->name);
	cell->made_instances = !instances_exist(spec->name);
	if (record < 0)
		return -1;
	index_file = open_index_file(err);
	if (index_file < 0)
		return -1;
	index = claim_index(spec, index_file, err);
	if (index < 0)
		return -1;
	if (go_open(&go) < 0 || pipe2(report, O_CLOEXEC) < 0) {
		cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot start the cell of %s (pipe, eventfd)", spec->name);
		goto out;
	}
	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	/* exit_signal 0: no SIGCHLD for the login process (su, sshd) when the
	 * keeper ends, and no wait(-1) of theirs reaps it. */
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0) {
		cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create the cell of %s (clone3, Linux 5.5)", spec->name);
		goto out;
	}
	if (pid == 0) {
		close(go.hangup[1]);
		close(report[0]);
		keeper_setup(spec, record, index_file, index, &go, report[1]);
	}
	close(go.hangup[0]), go.hangup[0] = -1;
	close(report[1]), report[1] = -1;
	r.fd = report[0];
	if (place && place((pid_t)pid, place_ctx, err) < 0)
		goto kill;
	if (go_send(&go) == 0) {
		/* The network is made while the keeper builds its mounts. */
		networked = make_network(spec, (pid_t)pid, index, &net_err) == 0;
		ready = keeper_ready(&r, &kept);
	}
	/* A keeper that failed is the cause of whatever failed here too. */
	if (ready && !networked) {
		*err = net_err;
		goto kill;
	}
	if (!ready) {
		if (!r.msg[0]) {
			siginfo_t info;

			kill_and_reap(pidfd, &info);
			reaped = true;
			describe_silent_end(&info, r.msg, sizeof(r.msg));
		}
		cc_fail(err, CC_ERR_SYSTEM, "cannot set up the cell of %s: %s", spec->name, r.msg);
		goto kill;
	}
	if (kept)
		cc_copy(cell->kept_key, sizeof(cell->kept_key), spec->keep_key);
	rc = write_started(record, spec->name, cell->kept_key);
	if (rc < 0) {
		cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot write the cell record of %s", spec->name);
		goto kill;
	}
	cell->pidfd = pidfd, cell->pid = (pid_t)pid, cell->started = true;
	pidfd = -1;
	goto out;
kill:
	if (!reaped)
		kill_and_reap(pidfd, NULL);
	remove_new_instances(cell);
out:
	go_close(&go);
	cc_close_fd(&report[0]);
	cc_close_fd(&report[1]);
	cc_close_fd(&pidfd);
	return cell->started ? 0 : -1;
}

int cc_cell_netns_open(const struct cc_cell *cell)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)cell->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Opened by PID: the keeper must still be the process of that PID. */
	if (syscall(SYS_pidfd_send_signal, cell->pidfd, 0, NULL, 0) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int cc_cell_each(cc_cell_visit visit, void *ctx, struct cc_err *err)
{
	int dir = cc_open_trusted_dir(CC_CELL_DIR, 0, err);
	DIR *d;
	const struct dirent *de;
	int rc = 0;

	if (dir < 0)
		return err->kind == CC_ERR_NOT_FOUND ? (memset(err, 0, sizeof(*err)), 0) : -1;
	d = fdopendir(dir); /* the stream owns the descriptor from here */
	if (!d) {
		rc = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read %s", CC_CELL_DIR);
		close(dir);
		return rc;
	}
	/* One record that cannot be read, or one visit that fails, must not
	 * keep the others from being visited: the first error is kept. */
	while ((de = readdir(d))) {
		struct cc_err one = {0};
		struct cc_cell cell;
		uint64_t uid;
		int found;

		if (cc_parse_u64(de->d_name, 0, UINT32_MAX, &uid) < 0)
			continue;
		found = cc_cell_find((uint32_t)uid, &cell, &one);
		if (found > 0) {
			if (visit((uint32_t)uid, &cell, ctx, &one) < 0)
				found = -1;
			cc_cell_close(&cell);
		}
		if (found < 0 && rc == 0) {
			*err = one;
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

int cc_cell_kept_fd(const struct cc_cell *cell)
{
	return (int)syscall(SYS_pidfd_getfd, cell->pidfd, KEEPER_KEPT_FD, 0);
}

void cc_cell_abandon(struct cc_cell *cell)
{
	if (cell->started && cell->pidfd >= 0) {
		kill_and_reap(cell->pidfd, NULL);
		remove_new_instances(cell);
	}
	cell->started = false;
}

void cc_cell_close(struct cc_cell *cell)
{
	if (cell->pidfd >= 0)
		close(cell->pidfd);
	cell->pidfd = -1;
}

/* The caller's directory by the same path, or "/" if that path is gone or
 * goes through a symbolic link: root must not follow a link a chat made
 * (in the cell, /tmp and the chat's home are the chat's to write). The
 * path came from getcwd, which gives none. */
static void enter_dir_no_links(const char *path)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));

	if (fd < 0 || fchdir(fd) < 0)
		(void)!chdir("/");
	if (fd >= 0)
		close(fd);
}

int cc_cell_join(const struct cc_cell *cell, struct cc_cell_return *back, struct cc_err *err)
{
	static const char *const kinds[] = {"mnt", "ipc", "uts", "cgroup", "pid", "net"};
	int *fds[] = {&back->mnt, &back->ipc, &back->uts, &back->cgroup, &back->pid, &back->net};

	back->mnt = back->ipc = back->uts = back->cgroup = back->pid = back->net = -1;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char path[32];

		snprintf(path, sizeof(path), "/proc/self/ns/%s", kinds[i]);
		*fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (*fds[i] < 0) {
			cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s (is /proc mounted?)", path);
			cc_cell_return_drop(back);
			return -1;
		}
	}
	if (!getcwd(back->cwd, sizeof(back->cwd)))
		snprintf(back->cwd, sizeof(back->cwd), "/");
	if (setns(cell->pidfd, CELL_NAMESPACES) < 0) {
		int saved = errno;

		cc_cell_return_drop(back);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot join the chat's cell (setns on the keeper's pidfd)");
	}
	/* setns() put the process at the cell's root; the same path there
	 * (never a descriptor of the host's tree). */
	enter_dir_no_links(back->cwd);
	return 0;
}

void cc_cell_return(struct cc_cell_return *back)
{
	const int types[] = {CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWPID, CLONE_NEWNET};
	const int fds[] = {back->mnt, back->ipc, back->uts, back->cgroup, back->pid, back->net};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			setns(fds[i], types[i]);
	enter_dir_no_links(back->cwd);
	cc_cell_return_drop(back);
}

void cc_cell_return_drop(struct cc_cell_return *back)
{
	int *ns_fds[] = {&back->mnt, &back->ipc, &back->uts, &back->cgroup, &back->pid, &back->net};

	for (size_t i = 0; i < sizeof(ns_fds) / sizeof(ns_fds[0]); i++) {
		int fd = *ns_fds[i];

		if (fd >= 0)
			close(fd);
		*ns_fds[i] = -1;
	}
}

static void forget_record(uint32_t uid)
{
	struct cc_err ignored = {0};
	cc_cleanup_close int dir = cc_open_trusted_dir(CC_CELL_DIR, 0, &ignored);
	char name[16];

	record_name(uid, name);
	if (dir >= 0)
		unlinkat(dir, name, 0);
}

int cc_cell_stop(uint32_t uid, struct cc_err *err)
{
	struct cc_cell cell;
	struct pollfd gone;
	int found = cc_cell_find(uid, &cell, err), r;

	if (found <= 0) {
		if (found == 0)
			forget_record(uid);
		return found;
	}
	gone = (struct pollfd){.fd = cell.pidfd, .events = POLLIN};
	if (syscall(SYS_pidfd_send_signal, cell.pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH) {
		r = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot end the cell of uid %u (pidfd_send_signal)", uid);
		cc_cell_close(&cell);
		return r;
	}
	/* Readable once the keeper has exited, which is after every process
	 * of its PID namespace has. */
	while ((r = poll(&gone, 1, STOP_WAIT_MS)) < 0 && errno == EINTR)
		;
	cc_cell_close(&cell);
	if (r == 0)
		return cc_fail(err, CC_ERR_SYSTEM, "the cell of uid %u did not end within %d s", uid, STOP_WAIT_MS / 1000);
	forget_record(uid);
	return 0;
}

/* Processes in the PID namespace `ns` (st_ino of ns/pid), seen from the
 * caller's /proc. */
static unsigned count_in_namespace(ino_t ns)
{
	DIR *proc = opendir("/proc");
	const struct dirent *de;
	unsigned n = 0;

	if (!proc)
		return 0;
	while ((de = readdir(proc))) {
		char path[64];
		struct stat st;
		uint64_t pid;

		if (cc_parse_u64(de->d_name, 1, UINT32_MAX, &pid) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%u/ns/pid", (unsigned)pid);
		if (stat(path, &st) == 0 && st.st_ino == ns)
			n++;
	}
	closedir(proc);
	return n;
}

int cc_cell_status(uint32_t uid, struct cc_cell_status *status, struct cc_err *err)
{
	struct cc_cell cell;
	char path[64];
	struct stat st;
	int found;

	memset(status, 0, sizeof(*status));
	found = cc_cell_find(uid, &cell, err);
	if (found <= 0)
		return found;
	status->running = true;
	status->pid = cell.pid;
	cc_cell_close(&cell);
	{
		cc_cleanup_close int record = open_record(uid, false, false, err);
		struct record_text text;

		if (record >= 0) {
			read_record(record, &text);
			status->started = text.times[FIELD_STARTED];
		}
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)status->pid);
	if (stat(path, &st) == 0) {
		unsigned n = count_in_namespace(st.st_ino);

		status->processes = n > 0 ? n - 1 : 0;
	}
	return 1;
}

int cc_cell_notes_open(uint32_t uid)
{
	struct cc_err ignored = {0};

	return open_record(uid, true, false, &ignored);
}

int cc_cell_note_at(int record, bool login)
{
	char field[FIELD_WIDTH + 1];

	snprintf(field, sizeof(field), "%0*lld", FIELD_WIDTH, (long long)time(NULL));
	return pwrite(record, field, FIELD_WIDTH, FIELD_OFFSET(login ? FIELD_LOGIN : FIELD_LOGOUT)) == FIELD_WIDTH ? 1
														   : -1;
}

int cc_cell_note_login(uint32_t uid, bool login)
{
	cc_cleanup_close int record = cc_cell_notes_open(uid);

	if (record < 0)
		return errno == ENOENT ? 0 : -1;
	return cc_cell_note_at(record, login);
}

int cc_cell_logins(uint32_t uid, int64_t *login, int64_t *logout)
{
	struct cc_err ignored = {0};
	cc_cleanup_close int record = open_record(uid, false, false, &ignored);
	struct record_text text;

	*login = 0, *logout = 0;
	if (record < 0)
		return 0;
	read_record(record, &text);
	*login = text.times[FIELD_LOGIN];
	*logout = text.times[FIELD_LOGOUT];
	return 1;
}
