/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The registry: chatcell's source of truth, an sqlite database that only root
 * can read (chat IDs live here and nowhere else). Every mutation runs in one
 * BEGIN IMMEDIATE transaction; waiting for another writer is handled with a
 * long busy timeout, so concurrent chatcell-admin processes queue instead of
 * failing with SQLITE_BUSY. */
#ifndef CHATCELL_REGISTRY_H
#define CHATCELL_REGISTRY_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

#define CC_REGISTRY_FILE "registry.db"
#define CC_REGISTRY_BUSY_TIMEOUT_MS 120000
/* A login never waits long for the registry: all the waiting of one
 * session connection together stops after this (pam_chatcell(8)). */
#define CC_REGISTRY_SESSION_WAIT_MS 2000

struct cc_registry {
	sqlite3 *db;
	char path[512];
	bool session;          /* opened by cc_registry_open_session */
	int session_wait_left; /* ms a session connection may still wait */
	/* Set by a caller that did work outside the registry which the failing
	 * statement was to record: failure messages then say only what failed,
	 * never "nothing was changed" (the caller says what is left). */
	bool work_outside;
};

/* For a program that opens the registry once and exits (chatcell-admin),
 * before anything else uses SQLite: no lookaside and no bulk page cache,
 * which SQLite would otherwise fill in at every open (about 50 pages this
 * process never needs; a page touched costs 15 us or more on a VM). Never
 * from a module: the settings are the whole process's. */
void cc_registry_tune_short_lived(void);

/* Open the registry in the trusted state directory. With create, a missing
 * database is made (0600) and migrated; otherwise a missing one is an error
 * telling the admin to run init. Newer schemas are refused. */
int cc_registry_open(struct cc_registry *reg, int state_dirfd, const char *state_dir, bool create,
		     struct cc_err *err);

/* Is `dirfd`/`name` a regular file of root's with no group or other
 * access? (`path` names it in messages.) Missing: CC_ERR_NOT_FOUND. */
int cc_registry_check_file(int dirfd, const char *name, const char *path, struct cc_err *err);

/* For pam_chatcell, on every login: waiting for the registry is bounded
 * by CC_REGISTRY_SESSION_WAIT_MS in all; its only writes are login and
 * logout times, which need not survive a power cut, so its commits are not
 * synced (they survive a crash: WAL) and closing does not checkpoint. The
 * handle must not be copied (its wait budget is found through it). */
int cc_registry_open_session(struct cc_registry *reg, int state_dirfd, const char *state_dir, struct cc_err *err);
void cc_registry_close(struct cc_registry *reg);

int cc_registry_begin_write(struct cc_registry *reg, struct cc_err *err);
int cc_registry_begin_read(struct cc_registry *reg, struct cc_err *err);
int cc_registry_commit(struct cc_registry *reg, struct cc_err *err);
void cc_registry_rollback(struct cc_registry *reg);

/* Step a statement that must not wait: if another process holds the write
 * lock it returns SQLITE_BUSY at once, whatever the connection's policy. */
int cc_registry_step_nowait(struct cc_registry *reg, sqlite3_stmt *stmt);

/* Prepare a statement; on failure the error says what was being done. */
int cc_registry_prepare(struct cc_registry *reg, const char *sql, sqlite3_stmt **stmt, struct cc_err *err);

/* A query that answers one integer (a count, a flag, a PRAGMA): 0 with
 * *value set, or -1 with `doing` in the message. */
int cc_registry_query_int(struct cc_registry *reg, const char *sql, int64_t *value, const char *doing,
			  struct cc_err *err);

/* Turn an sqlite result code into an admin-readable error. */
int cc_registry_fail(struct cc_registry *reg, int rc, const char *doing, struct cc_err *err);

/* The schema version this build understands, the one a registry has, and
 * the migration runner. */
int cc_registry_schema_version(void);
int cc_registry_version(struct cc_registry *reg, int *version, struct cc_err *err);
int cc_registry_migrate(struct cc_registry *reg, struct cc_err *err);

#endif
