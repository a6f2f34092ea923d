/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "db/registry_copy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cc_registry_check_integrity(struct cc_registry *reg, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	const char *verdict;
	int rc, found = 0;

	if (cc_registry_prepare(reg, "PRAGMA integrity_check(1)", &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	verdict = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0) : NULL;
	if (rc != SQLITE_ROW)
		found = cc_registry_fail(reg, rc, "checking the registry", err);
	else if (!verdict || strcmp(verdict, "ok") != 0) {
		cc_fail(err, CC_ERR_SYSTEM, "the registry %s fails its integrity check (%s)", reg->path,
			verdict ? verdict : "no answer");
		found = 1;
	}
	sqlite3_finalize(stmt);
	return found;
}

/* Copy every page of `from` over `to`. */
static int copy_pages(struct cc_registry *to, struct cc_registry *from, const char *doing, struct cc_err *err)
{
	sqlite3_backup *b = sqlite3_backup_init(to->db, "main", from->db, "main");
	int rc, done;

	if (!b)
		return cc_registry_fail(to, sqlite3_errcode(to->db), doing, err);
	rc = sqlite3_backup_step(b, -1);
	done = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return cc_registry_fail(to, rc, doing, err);
	return done == SQLITE_OK ? 0 : cc_registry_fail(to, done, doing, err);
}

/* Write the copy under `tmp` in `dirfd`, checked and synced. */
static int write_copy(struct cc_registry *reg, int dirfd, const char *dir, const char *tmp, struct cc_err *err)
{
	struct cc_registry copy;
	int fd, rc;

	memset(&copy, 0, sizeof(copy));
	snprintf(copy.path, sizeof(copy.path), "%s/%s", dir, tmp);
	/* Made 0600 before sqlite opens it (sqlite would make it 0644). */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create %s", copy.path);
	close(fd);
	rc = sqlite3_open_v2(copy.path, &copy.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK)
		rc = cc_registry_fail(&copy, rc, "writing the copy", err);
	else
		rc = copy_pages(&copy, reg, "writing the copy", err);
	/* The copy took the registry's WAL mode from its header: make it one
	 * file that stands alone. */
	if (rc == 0 && (rc = sqlite3_exec(copy.db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL)) != SQLITE_OK)
		rc = cc_registry_fail(&copy, rc, "writing the copy", err);
	if (rc == 0)
		rc = cc_registry_check_integrity(&copy, err);
	cc_registry_close(&copy);
	if (rc != 0)
		return -1;
	fd = openat(dirfd, tmp, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		int saved = errno;

		if (fd >= 0)
			close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot sync %s", copy.path);
	}
	close(fd);
	return 0;
}

int cc_registry_copy_out(struct cc_registry *reg, int dirfd, const char *dir, const char *name, struct cc_err *err)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), ".%s.%ld", name, (long)getpid());
	unlinkat(dirfd, tmp, 0);
	if (write_copy(reg, dirfd, dir, tmp, err) < 0) {
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot put the copy in place as %s/%s", dir, name);
	}
	if (fsync(dirfd) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot sync %s", dir);
	return 0;
}

int cc_registry_open_copy(struct cc_registry *copy, int dirfd, const char *dir, const char *name,
			  struct cc_err *err)
{
	int rc;

	memset(copy, 0, sizeof(*copy));
	snprintf(copy->path, sizeof(copy->path), "%s/%s", dir, name);
	if (cc_registry_check_file(dirfd, name, copy->path, err) < 0)
		return -1;
	rc = sqlite3_open_v2(copy->path, &copy->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		cc_registry_fail(copy, rc, "opening the copy", err);
		cc_registry_close(copy);
		return -1;
	}
	sqlite3_extended_result_codes(copy->db, 0);
	if (cc_registry_check_integrity(copy, err) != 0) {
		cc_registry_close(copy);
		return -1;
	}
	return 0;
}

int cc_registry_copy_in(struct cc_registry *reg, struct cc_registry *copy, struct cc_err *err)
{
	return copy_pages(reg, copy, "restoring the registry", err);
}
