/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/cell_index.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/trusted_dir.h"

/* The PID holding a lock on byte `index` of the index file, 0 if none (a
 * keeper locks its byte for its whole life; while it starts, its starter
 * holds one too, cell.c). */
static pid_t index_owner(int file, uint32_t index)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = (off_t)index, .l_len = 1};

	if (fcntl(file, F_GETLK, &fl) < 0 || fl.l_type == F_UNLCK)
		return 0;
	return fl.l_pid;
}

struct search {
	pid_t pid;
	uint32_t uid;
	struct cc_cell *cell;
	int found;
};

static int match_keeper(uint32_t uid, const struct cc_cell *cell, void *ctx, struct cc_err *err)
{
	struct search *s = ctx;
	int pidfd;

	(void)err;
	if (s->found || cell->pid != s->pid)
		return 0;
	/* cc_cell_each closes its cell: keep a pidfd of our own. */
	pidfd = fcntl(cell->pidfd, F_DUPFD_CLOEXEC, 3);
	if (pidfd < 0)
		return 0;
	*s->cell = *cell;
	s->cell->pidfd = pidfd;
	s->cell->started = s->cell->made_instances = false;
	s->uid = uid;
	s->found = 1;
	return 0;
}

int cc_cell_of_index(uint32_t index, uint32_t *uid, struct cc_cell *cell, struct cc_err *err)
{
	cc_cleanup_close int dir = cc_open_trusted_dir(CC_CELL_DIR, 0, err);
	cc_cleanup_close int file = -1;
	struct search s = {.cell = cell};

	if (dir < 0)
		return err->kind == CC_ERR_NOT_FOUND ? (memset(err, 0, sizeof(*err)), 0) : -1;
	file = openat(dir, CC_CELL_INDEX_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (file < 0)
		return errno == ENOENT ? 0
				       : cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s/%s", CC_CELL_DIR,
						       CC_CELL_INDEX_FILE);
	s.pid = index_owner(file, index);
	if (s.pid <= 0)
		return 0;
	/* Another cell's record that cannot be read does not hide this one. */
	if (cc_cell_each(match_keeper, &s, err) < 0 && !s.found)
		return -1;
	memset(err, 0, sizeof(*err));
	if (!s.found)
		return 0;
	/* The keeper found is alive (its pidfd pins the PID): does it still
	 * hold this index, or did the PID read above belong to one that ended? */
	if (index_owner(file, index) != cell->pid) {
		cc_cell_close(cell);
		return 0;
	}
	*uid = s.uid;
	return 1;
}
