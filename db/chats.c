/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "db/chats.h"

#include <string.h>

#define CHAT_COLUMNS                                                                                           \
	"id, chat_id, name, uid, state, created_at, last_login_at, last_logout_at, deleted_at, memory_max, "   \
	"pids_max, cpu_max_percent, pending, pending_arg, io_weight, io_max, disk_max, inodes_max"

static const char *const state_names[] = {"active", "suspended", "deleted"};
static const char *const pending_names[] = {NULL, "create", "delete", "suspend"};

const char *cc_chat_state_name(enum cc_chat_state state)
{
	return state_names[state];
}

const char *cc_chat_pending_name(enum cc_pending pending)
{
	return pending_names[pending];
}

int cc_chat_state_parse(const char *text, enum cc_chat_state *state)
{
	for (int i = 0; i < 3; i++) {
		if (strcmp(text, state_names[i]) == 0) {
			*state = (enum cc_chat_state)i;
			return 0;
		}
	}
	return -1;
}

static int64_t column_or(sqlite3_stmt *stmt, int col, int64_t fallback)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL ? fallback : sqlite3_column_int64(stmt, col);
}

static void copy_text(sqlite3_stmt *stmt, int col, char *out, size_t out_len)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);
	size_t len = text ? (size_t)sqlite3_column_bytes(stmt, col) : 0;

	if (len >= out_len)
		len = out_len - 1;
	if (len)
		memcpy(out, text, len);
	out[len] = '\0';
}

/* Fill *chat from a row selected with CHAT_COLUMNS; -1 if the row breaks
 * what the schema promises (a damaged registry). */
static int read_row(sqlite3_stmt *stmt, struct cc_chat *chat)
{
	const void *blob = sqlite3_column_blob(stmt, 1);
	int blob_len = sqlite3_column_bytes(stmt, 1);
	const unsigned char *state = sqlite3_column_text(stmt, 4);
	const unsigned char *pending = sqlite3_column_text(stmt, 12);
	const unsigned char *io_max = sqlite3_column_text(stmt, 15);
	int64_t uid = sqlite3_column_int64(stmt, 3);

	memset(chat, 0, sizeof(*chat));
	chat->id = sqlite3_column_int64(stmt, 0);
	if (blob_len < 0 || blob_len > CC_CHAT_ID_MAX || uid <= 0 || uid > UINT32_MAX || !state)
		return -1;
	if (blob_len)
		memcpy(chat->chat_id, blob, (size_t)blob_len);
	chat->chat_id_len = (size_t)blob_len;
	copy_text(stmt, 2, chat->name, sizeof(chat->name));
	chat->uid = (uint32_t)uid;
	if (cc_chat_state_parse((const char *)state, &chat->state) < 0)
		return -1;
	chat->created_at = sqlite3_column_int64(stmt, 5);
	chat->last_login_at = column_or(stmt, 6, 0);
	chat->last_logout_at = column_or(stmt, 7, 0);
	chat->deleted_at = column_or(stmt, 8, 0);
	chat->memory_max = column_or(stmt, 9, CC_LIMIT_DEFAULT);
	chat->pids_max = column_or(stmt, 10, CC_LIMIT_DEFAULT);
	chat->cpu_max_percent = column_or(stmt, 11, CC_LIMIT_DEFAULT);
	chat->pending = CC_PENDING_NONE;
	for (int i = 1; pending && i < 4; i++)
		if (strcmp((const char *)pending, pending_names[i]) == 0)
			chat->pending = (enum cc_pending)i;
	copy_text(stmt, 13, chat->pending_arg, sizeof(chat->pending_arg));
	chat->disk_max = column_or(stmt, 16, CC_LIMIT_DEFAULT);
	chat->inodes_max = column_or(stmt, 17, CC_LIMIT_DEFAULT);
	chat->io_weight = column_or(stmt, 14, CC_LIMIT_DEFAULT);
	chat->io_max_set = io_max != NULL;
	cc_io_max_none(&chat->io_max);
	return io_max && cc_io_max_parse((const char *)io_max, &chat->io_max) < 0 ? -1 : 0;
}

/* Step a prepared single-row query and fill *chat. */
static int find_one(struct cc_registry *reg, sqlite3_stmt *stmt, struct cc_chat *chat, struct cc_err *err)
{
	int rc = sqlite3_step(stmt);
	int found = 0;

	if (rc == SQLITE_ROW) {
		found = 1;
		if (read_row(stmt, chat) < 0)
			found = cc_fail(err, CC_ERR_SYSTEM,
					"the registry %s has a malformed chat row; restore it from backup", reg->path);
	} else if (rc != SQLITE_DONE) {
		found = cc_registry_fail(reg, rc, "looking up a chat", err);
	}
	sqlite3_finalize(stmt);
	return found;
}

int cc_chats_find_live_by_chat_id(struct cc_registry *reg, const char *chat_id, size_t len, struct cc_chat *chat,
				  struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg, "SELECT " CHAT_COLUMNS " FROM chats WHERE chat_id = ? AND state != 'deleted'",
				&stmt, err) < 0)
		return -1;
	sqlite3_bind_blob(stmt, 1, chat_id, (int)len, SQLITE_STATIC);
	return find_one(reg, stmt, chat, err);
}

int cc_chats_find_live_by_name(struct cc_registry *reg, const char *name, struct cc_chat *chat,
			       struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg, "SELECT " CHAT_COLUMNS " FROM chats WHERE name = ? AND state != 'deleted'",
				&stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	return find_one(reg, stmt, chat, err);
}

int cc_chats_find_by_uid(struct cc_registry *reg, uint32_t uid, struct cc_chat *chat, struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg, "SELECT " CHAT_COLUMNS " FROM chats WHERE uid = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, uid);
	return find_one(reg, stmt, chat, err);
}

int cc_chats_find_by_id(struct cc_registry *reg, int64_t id, struct cc_chat *chat, struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg, "SELECT " CHAT_COLUMNS " FROM chats WHERE id = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	return find_one(reg, stmt, chat, err);
}

int cc_chats_find_first(struct cc_registry *reg, struct cc_chat *chat, struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg, "SELECT " CHAT_COLUMNS " FROM chats ORDER BY id LIMIT 1", &stmt, err) < 0)
		return -1;
	return find_one(reg, stmt, chat, err);
}

static void bind_limit(sqlite3_stmt *stmt, int col, int64_t value)
{
	if (value == CC_LIMIT_DEFAULT)
		sqlite3_bind_null(stmt, col);
	else
		sqlite3_bind_int64(stmt, col, value);
}

static void bind_mutable(sqlite3_stmt *stmt, const struct cc_chat *chat)
{
	sqlite3_bind_text(stmt, 1, state_names[chat->state], -1, SQLITE_STATIC);
	if (chat->deleted_at)
		sqlite3_bind_int64(stmt, 2, chat->deleted_at);
	else
		sqlite3_bind_null(stmt, 2);
	bind_limit(stmt, 3, chat->memory_max);
	bind_limit(stmt, 4, chat->pids_max);
	bind_limit(stmt, 5, chat->cpu_max_percent);
	if (chat->pending != CC_PENDING_NONE)
		sqlite3_bind_text(stmt, 6, pending_names[chat->pending], -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 6);
	if (chat->pending_arg[0])
		sqlite3_bind_text(stmt, 7, chat->pending_arg, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 7);
	bind_limit(stmt, 8, chat->io_weight);
	if (chat->io_max_set) {
		char text[CC_IO_MAX_TEXT];

		cc_io_max_format(&chat->io_max, text, sizeof(text));
		sqlite3_bind_text(stmt, 9, text, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(stmt, 9);
	}
	bind_limit(stmt, 10, chat->disk_max);
	bind_limit(stmt, 11, chat->inodes_max);
}

static int step_done(struct cc_registry *reg, sqlite3_stmt *stmt, const char *doing, struct cc_err *err)
{
	int rc = sqlite3_step(stmt);

	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : cc_registry_fail(reg, rc, doing, err);
}

int cc_chats_insert(struct cc_registry *reg, struct cc_chat *chat, struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg,
				"INSERT INTO chats (state, deleted_at, memory_max, pids_max, cpu_max_percent, pending, "
				"pending_arg, io_weight, io_max, disk_max, inodes_max, chat_id, name, uid, created_at) "
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				&stmt, err) < 0)
		return -1;
	bind_mutable(stmt, chat);
	sqlite3_bind_blob(stmt, 12, chat->chat_id, (int)chat->chat_id_len, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 13, chat->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 14, chat->uid);
	sqlite3_bind_int64(stmt, 15, chat->created_at);
	if (step_done(reg, stmt, "adding the chat", err) < 0)
		return -1;
	chat->id = sqlite3_last_insert_rowid(reg->db);
	return 0;
}

int cc_chats_update(struct cc_registry *reg, const struct cc_chat *chat, struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg,
				"UPDATE chats SET state = ?, deleted_at = ?, memory_max = ?, pids_max = ?, "
				"cpu_max_percent = ?, pending = ?, pending_arg = ?, io_weight = ?, io_max = ?, disk_max = ?, "
				"inodes_max = ? WHERE id = ?",
				&stmt, err) < 0)
		return -1;
	bind_mutable(stmt, chat);
	sqlite3_bind_int64(stmt, 12, chat->id);
	return step_done(reg, stmt, "updating the chat", err);
}

int cc_chats_fold_logins(struct cc_registry *reg, uint32_t uid, int64_t login, int64_t logout, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (login <= 0 && logout <= 0)
		return 0;
	if (cc_registry_prepare(reg,
				"UPDATE chats SET last_login_at = max(coalesce(last_login_at, 0), ?),"
				" last_logout_at = max(coalesce(last_logout_at, 0), ?) WHERE uid = ? AND state != 'deleted'",
				&stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, login);
	sqlite3_bind_int64(stmt, 2, logout);
	sqlite3_bind_int64(stmt, 3, uid);
	if (!reg->session)
		return step_done(reg, stmt, "recording login times", err);
	rc = cc_registry_step_nowait(reg, stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_BUSY)
		return 0; /* a login never waits for bookkeeping */
	return rc == SQLITE_DONE ? 0 : cc_registry_fail(reg, rc, "recording login times", err);
}

int cc_chats_count(struct cc_registry *reg, int64_t *count, struct cc_err *err)
{
	return cc_registry_query_int(reg, "SELECT count(*) FROM chats", count, "counting chats", err);
}

int cc_chats_any(struct cc_registry *reg, bool *any, struct cc_err *err)
{
	int64_t found = 0;

	if (cc_registry_query_int(reg, "SELECT EXISTS (SELECT 1 FROM chats)", &found, "looking for chats", err) < 0)
		return -1;
	*any = found != 0;
	return 0;
}

/* The rows past their quarantine (cutoff bound as ?1); the purge's three
 * statements name the same rows. */
#define QUARANTINE_OVER "state = 'deleted' AND deleted_at < ?1 AND pending IS NULL"

/* One statement over the rows past their quarantine, run to its end:
 * 1 if it gave a row, 0 if none, -1 on error. */
static int quarantine_step(struct cc_registry *reg, const char *sql, int64_t cutoff, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (cc_registry_prepare(reg, sql, &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, cutoff);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return rc == SQLITE_ROW;
	return cc_registry_fail(reg, rc, "ending quarantines", err);
}

int cc_chats_purge_deleted_before(struct cc_registry *reg, int64_t cutoff, struct cc_err *err)
{
	/* Is any row past its quarantine? A lookup in the index of deleted
	 * rows: ensure asks at every creation, and the two statements of the
	 * purge cost 0.13 ms there for nothing (measured), nearly always. */
	int any = quarantine_step(reg, "SELECT 1 FROM chats WHERE " QUARANTINE_OVER " LIMIT 1", cutoff, err);

	if (any <= 0)
		return any;
	/* The audit trail outlives the row, under the name and UID it
	 * records, but no longer points at the row's id: SQLite gives the
	 * highest id again to the next chat, which would list these events
	 * as its own. */
	if (quarantine_step(reg,
			    "UPDATE events SET chat = NULL WHERE chat IN (SELECT id FROM chats WHERE " QUARANTINE_OVER ")",
			    cutoff, err) < 0)
		return -1;
	return quarantine_step(reg, "DELETE FROM chats WHERE " QUARANTINE_OVER, cutoff, err) < 0 ? -1 : 0;
}

int cc_chats_each(struct cc_registry *reg, bool include_deleted, bool pending_only, cc_chat_visitor visit,
		  void *ctx, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	const char *sql = pending_only	  ? "SELECT " CHAT_COLUMNS " FROM chats WHERE pending IS NOT NULL"
			  : include_deleted ? "SELECT " CHAT_COLUMNS " FROM chats ORDER BY id"
					    : "SELECT " CHAT_COLUMNS " FROM chats WHERE state != 'deleted' ORDER BY id";
	struct cc_chat chat;
	int rc, result = 0;

	if (cc_registry_prepare(reg, sql, &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (read_row(stmt, &chat) < 0) {
			result = cc_fail(err, CC_ERR_SYSTEM,
					 "the registry %s has a malformed chat row; restore it from backup", reg->path);
			break;
		}
		if (visit(&chat, ctx) < 0) {
			result = -1;
			break;
		}
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = cc_registry_fail(reg, rc, "listing chats", err);
	sqlite3_finalize(stmt);
	return result;
}
