/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "db/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How long a session connection sleeps between tries of a busy registry. */
#define SESSION_WAIT_STEP_MS 5

int cc_registry_fail(struct cc_registry *reg, int rc, const char *doing, struct cc_err *err)
{
	const char *detail = reg->db ? sqlite3_errmsg(reg->db) : sqlite3_errstr(rc);

	/* A full disk can surface as SQLITE_IOERR (e.g. growing the -shm file):
	 * the errno underneath tells. */
	if (reg->db && sqlite3_system_errno(reg->db) == ENOSPC)
		rc = SQLITE_FULL;
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return cc_fail(err, CC_ERR_SYSTEM, "%s: the disk holding %s is full%s", doing, reg->path,
			       reg->work_outside ? "" : "; free space and retry (nothing was changed)");
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return cc_fail(err, CC_ERR_SYSTEM, "%s: the registry %s is damaged (%s)%s", doing, reg->path, detail,
			       reg->work_outside ? "" : "; restore it from backup (nothing was changed)");
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return cc_fail(err, CC_ERR_SYSTEM, "%s: cannot write %s (%s); check the file system", doing,
			       reg->path, detail);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return cc_fail(err, CC_ERR_SYSTEM,
			       "%s: the registry stayed locked by another process for %d s; look for a hung "
			       "chatcell-admin",
			       doing, (reg->session ? CC_REGISTRY_SESSION_WAIT_MS : CC_REGISTRY_BUSY_TIMEOUT_MS) / 1000);
	case SQLITE_IOERR:
		return cc_fail(err, CC_ERR_SYSTEM, "%s: I/O error on %s (%s)", doing, reg->path, detail);
	default:
		return cc_fail(err, CC_ERR_SYSTEM, "%s: registry error: %s", doing, detail);
	}
}

static int exec(struct cc_registry *reg, const char *sql, const char *doing, struct cc_err *err)
{
	int rc = sqlite3_exec(reg->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : cc_registry_fail(reg, rc, doing, err);
}

int cc_registry_check_file(int dirfd, const char *name, const char *path, struct cc_err *err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cc_fail_errno(err, errno == ENOENT ? CC_ERR_NOT_FOUND : CC_ERR_SYSTEM, errno, "cannot stat %s",
				     path);
	if (!S_ISREG(st.st_mode))
		return cc_fail(err, CC_ERR_PERMISSION, "%s is not a regular file (a link?); chatcell refuses it",
			       path);
	if (st.st_uid != 0)
		return cc_fail(err, CC_ERR_PERMISSION,
			       "%s is owned by uid %u, not root; someone else could have written it. Check it, then "
			       "chown root:root it",
			       path, (unsigned)st.st_uid);
	if (st.st_mode & 077)
		return cc_fail(err, CC_ERR_PERMISSION,
			       "%s has mode %04o; it holds chat IDs and must be 0600 (chmod 600 %s)", path,
			       (unsigned)(st.st_mode & 07777), path);
	return 0;
}

/* The database file must be root's alone before sqlite ever reads it. */
static int check_file(int state_dirfd, const char *path, bool create, struct cc_err *err)
{
	int fd;

	if (faccessat(state_dirfd, CC_REGISTRY_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		return cc_registry_check_file(state_dirfd, CC_REGISTRY_FILE, path, err);
	if (!create)
		return cc_fail(err, CC_ERR_CONFIG, "%s does not exist; run 'chatcell-admin init' first", path);
	fd = openat(state_dirfd, CC_REGISTRY_FILE, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create %s", path);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* A session connection's busy handler: the waits of all its statements
 * together stop at CC_REGISTRY_SESSION_WAIT_MS. */
static int session_busy(void *ctx, int tries)
{
	struct cc_registry *reg = ctx;
	const struct timespec step = {0, SESSION_WAIT_STEP_MS * 1000000L};

	if (reg->session_wait_left <= 0)
		return 0;
	nanosleep(&step, NULL);
	reg->session_wait_left -= SESSION_WAIT_STEP_MS;
	return 1;
}

/* What the connection does when another process holds the lock it needs:
 * chatcell-admin queues (long timeout), a session waits a bounded time. */
static void set_wait_policy(struct cc_registry *reg)
{
	if (reg->session)
		sqlite3_busy_handler(reg->db, session_busy, reg);
	else
		sqlite3_busy_timeout(reg->db, CC_REGISTRY_BUSY_TIMEOUT_MS);
}

void cc_registry_tune_short_lived(void)
{
	/* Both fail harmlessly (SQLITE_MISUSE) once SQLite is initialised. */
	sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0);
	sqlite3_config(SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
}

static int open_registry(struct cc_registry *reg, int state_dirfd, const char *state_dir, bool create, bool session,
			 struct cc_err *err)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
	int rc;

	memset(reg, 0, sizeof(*reg));
	reg->session = session;
	reg->session_wait_left = CC_REGISTRY_SESSION_WAIT_MS;
	snprintf(reg->path, sizeof(reg->path), "%s/%s", state_dir, CC_REGISTRY_FILE);
	if (check_file(state_dirfd, reg->path, create, err) < 0)
		return -1;
	rc = sqlite3_open_v2(reg->path, &reg->db, flags, NULL);
	if (rc != SQLITE_OK) {
		cc_registry_fail(reg, rc, "opening the registry", err);
		cc_registry_close(reg);
		return -1;
	}
	sqlite3_extended_result_codes(reg->db, 0);
	set_wait_policy(reg);
	/* Keep the -wal and -shm files between runs instead of making and
	 * unlinking them in every process (each login would pay for it). */
	sqlite3_file_control(reg->db, "main", SQLITE_FCNTL_PERSIST_WAL, &(int){1});
	if (session)
		sqlite3_db_config(reg->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	/* WAL: readers never block the writer; FULL: a commit survives power loss
	 * (sessions: NORMAL, see registry.h); secure_delete: a deleted chat's ID
	 * is overwritten, not left in free pages; journal_size_limit: the kept
	 * WAL is cut back once checkpointed, or it grows (4 MB after 400 chats)
	 * and every process that opens the registry reads it all to rebuild its
	 * index (+1.5 ms per ensure). */
	if (exec(reg, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
		      "PRAGMA trusted_schema=OFF; PRAGMA journal_size_limit=65536;",
		 "opening the registry", err) < 0 ||
	    exec(reg, session ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL", "opening the registry",
		 err) < 0 ||
	    cc_registry_migrate(reg, err) < 0) {
		cc_registry_close(reg);
		return -1;
	}
	return 0;
}

int cc_registry_open(struct cc_registry *reg, int state_dirfd, const char *state_dir, bool create,
		     struct cc_err *err)
{
	return open_registry(reg, state_dirfd, state_dir, create, false, err);
}

int cc_registry_open_session(struct cc_registry *reg, int state_dirfd, const char *state_dir, struct cc_err *err)
{
	return open_registry(reg, state_dirfd, state_dir, false, true, err);
}

int cc_registry_step_nowait(struct cc_registry *reg, sqlite3_stmt *stmt)
{
	int rc;

	sqlite3_busy_handler(reg->db, NULL, NULL);
	rc = sqlite3_step(stmt);
	set_wait_policy(reg);
	return rc;
}

void cc_registry_close(struct cc_registry *reg)
{
	if (reg->db)
		sqlite3_close(reg->db);
	reg->db = NULL;
}

int cc_registry_begin_write(struct cc_registry *reg, struct cc_err *err)
{
	return exec(reg, "BEGIN IMMEDIATE", "starting a registry transaction", err);
}

int cc_registry_begin_read(struct cc_registry *reg, struct cc_err *err)
{
	return exec(reg, "BEGIN", "reading the registry", err);
}

int cc_registry_commit(struct cc_registry *reg, struct cc_err *err)
{
	if (exec(reg, "COMMIT", "committing to the registry", err) < 0) {
		cc_registry_rollback(reg);
		return -1;
	}
	return 0;
}

void cc_registry_rollback(struct cc_registry *reg)
{
	if (!sqlite3_get_autocommit(reg->db))
		sqlite3_exec(reg->db, "ROLLBACK", NULL, NULL, NULL);
}

int cc_registry_prepare(struct cc_registry *reg, const char *sql, sqlite3_stmt **stmt, struct cc_err *err)
{
	int rc = sqlite3_prepare_v2(reg->db, sql, -1, stmt, NULL);

	return rc == SQLITE_OK ? 0 : cc_registry_fail(reg, rc, "preparing a registry query", err);
}

int cc_registry_query_int(struct cc_registry *reg, const char *sql, int64_t *value, const char *doing,
			  struct cc_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (cc_registry_prepare(reg, sql, &stmt, err) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : cc_registry_fail(reg, rc, doing, err);
}
