/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The chat cell: one set of namespaces per chat (PID, IPC, UTS, cgroup,
 * mount and network), held by a small keeper process that is PID 1 of the chat's PID
 * namespace, which every login of the chat joins with one setns() on the
 * keeper's pidfd (Linux 5.8). The keeper reaps orphans and does nothing
 * else; when it dies, by `suspend`, `delete`, a crash or its idle timer,
 * the kernel ends every process of the cell, and the next login builds a
 * new one.
 *
 * The running keeper of a chat is found through its record,
 * CHATCELL_RUN_DIR/cells/<uid> (root's, 0600): the keeper holds a POSIX
 * write lock on it for its whole life, so the lock's owner, as F_GETLK
 * reports it, is the keeper, and a crashed keeper leaves no lock. Starting
 * and joining happen under the chat's work lock, so there is never more
 * than one cell per chat. */
#ifndef CHATCELL_CELL_H
#define CHATCELL_CELL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "cell/cell_spec.h"

#define CC_CELL_DIR CHATCELL_RUN_DIR "/cells"
/* The keepers' network indexes: keeper N holds a read lock on byte N (its
 * starter claims the byte with a write lock first, see cell.c). */
#define CC_CELL_INDEX_FILE "net-index"
#define CC_KEEPER_PROGRAM CHATCELL_LIBEXEC_DIR "/chatcell-keeper"
/* What the keeper program writes on descriptor 4 once it runs (descriptor
 * 3 is the cell record, whose lock it holds; 5, if open, the descriptor
 * kept for logins, whose setup writes CC_KEEPER_KEPT first). */
#define CC_KEEPER_READY "+"
#define CC_KEEPER_KEPT "k"

struct cc_cell {
	int pidfd;    /* the keeper */
	pid_t pid;    /* the keeper, in the caller's PID namespace */
	bool started; /* by this process: stop it if the login fails after all */
	bool made_instances; /* and it made the chat's /tmp instances: remove them then */
	char name[CC_NAME_MAX + 1]; /* the chat's, from the record (empty if unreadable) */
	char kept_key[CC_CELL_KEY_MAX + 1]; /* the key of the descriptor the keeper keeps, or empty */
};

/* Before the keeper makes its cgroup namespace: put it (`pid`) into the
 * chat's cgroup, whose view the cell then shows as /sys/fs/cgroup. */
typedef int (*cc_cell_placer)(pid_t pid, void *ctx, struct cc_err *err);

/* The running cell of `uid`: 1 (cell filled), 0 none runs, -1 error. */
int cc_cell_find(uint32_t uid, struct cc_cell *cell, struct cc_err *err);

/* Start the cell described by `spec`; the keeper is ready (its mounts made)
 * when this returns 0. On failure nothing is left: no keeper, no lock. */
int cc_cell_start(const struct cc_cell_spec *spec, cc_cell_placer place, void *place_ctx, struct cc_cell *cell,
		  struct cc_err *err);

/* The descriptor the cell's keeper keeps (cc_cell_spec.keep), as a new
 * descriptor of the caller (pidfd_getfd, Linux 5.6; the caller must be
 * allowed to trace the keeper), or -1 with errno. */
int cc_cell_kept_fd(const struct cc_cell *cell);

/* The cell's network namespace, as a new descriptor, or -1 with errno
 * (ESRCH: the keeper has ended). */
int cc_cell_netns_open(const struct cc_cell *cell);

/* Call `visit` for every running cell, with its keeper found. A record
 * that cannot be read or a visit that fails (-1) does not stop the walk:
 * -1 with the first such error at its end, 0 when all went well. */
typedef int (*cc_cell_visit)(uint32_t uid, const struct cc_cell *cell, void *ctx, struct cc_err *err);
int cc_cell_each(cc_cell_visit visit, void *ctx, struct cc_err *err);

/* End the cell this process started (a login that failed after all). */
void cc_cell_abandon(struct cc_cell *cell);

void cc_cell_close(struct cc_cell *cell);

/* The namespaces a process had before it joined a cell, to go back. */
struct cc_cell_return {
	int mnt, ipc, uts, cgroup, pid, net;
	char cwd[4096];
};

/* Move the calling process into the cell: its mount, IPC, UTS, cgroup and
 * network namespaces, and the PID namespace of the children it starts from now on.
 * The working directory is kept by path, resolved in the cell. */
int cc_cell_join(const struct cc_cell *cell, struct cc_cell_return *back, struct cc_err *err);

/* After a failure: the namespaces the process had before. */
void cc_cell_return(struct cc_cell_return *back);

/* After success: forget the way back. */
void cc_cell_return_drop(struct cc_cell_return *back);

/* End the cell of `uid` (SIGKILL to the keeper, which ends every process
 * of it) and wait until it is gone. 0 also when none runs. */
int cc_cell_stop(uint32_t uid, struct cc_err *err);

/* A login (or, with login false, a logout) of the chat, noted in its cell
 * record: one write, no registry, on the common path. The registry takes
 * these times over when the record is replaced or removed (cc_cell_logins
 * before cc_cell_open or cc_cell_stop), and `show` reads both. 1 noted, 0
 * no record, -1 error. */
int cc_cell_note_login(uint32_t uid, bool login);

/* The same in two steps, for a login that notes its logout when it can no
 * longer open files (Landlock binds the login's own process): the record
 * opened for notes (close-on-exec), or -1 (errno ENOENT: no record); then
 * a note through it, 1 or -1. */
int cc_cell_notes_open(uint32_t uid);
int cc_cell_note_at(int record, bool login);

/* The login and logout times noted on the record of `uid`, whether or not
 * its cell still runs (0: none). Returns 1 if there is a record, else 0. */
int cc_cell_logins(uint32_t uid, int64_t *login, int64_t *logout);

/* What `show` says about a cell. */
struct cc_cell_status {
	bool running;
	pid_t pid;         /* of the keeper, in the caller's PID namespace */
	int64_t started;   /* Unix time */
	unsigned processes; /* in the cell, the keeper left out */
};
int cc_cell_status(uint32_t uid, struct cc_cell_status *status, struct cc_err *err);

#endif
