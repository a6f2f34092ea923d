/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "db/events.h"

#include <stdio.h>

int cc_events_add(struct cc_registry *reg, int64_t at, const char *actor, const char *action,
		  const struct cc_chat *chat, const char *detail, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (cc_registry_prepare(reg,
				"INSERT INTO events (at, actor, action, chat, name, uid, detail) "
				"VALUES (?, ?, ?, ?, ?, ?, ?)",
				&stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, at);
	sqlite3_bind_text(stmt, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, action, -1, SQLITE_STATIC);
	if (chat) {
		sqlite3_bind_int64(stmt, 4, chat->id);
		sqlite3_bind_text(stmt, 5, chat->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 6, chat->uid);
	}
	if (detail)
		sqlite3_bind_text(stmt, 7, detail, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : cc_registry_fail(reg, rc, "recording the audit event", err);
}

static void copy_column(sqlite3_stmt *stmt, int col, char *out, size_t out_len)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);

	snprintf(out, out_len, "%s", text ? (const char *)text : "");
}

int cc_events_each_for_chat(struct cc_registry *reg, int64_t chat, cc_event_visitor visit, void *ctx,
			    struct cc_err *err)
{
	sqlite3_stmt *stmt;
	struct cc_event event;
	int rc, result = 0;

	if (cc_registry_prepare(reg,
				"SELECT id, at, actor, action, name, uid, detail FROM events WHERE chat = ? ORDER BY id",
				&stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, chat);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		event.id = sqlite3_column_int64(stmt, 0);
		event.at = sqlite3_column_int64(stmt, 1);
		copy_column(stmt, 2, event.actor, sizeof(event.actor));
		copy_column(stmt, 3, event.action, sizeof(event.action));
		copy_column(stmt, 4, event.name, sizeof(event.name));
		event.uid = (uint32_t)sqlite3_column_int64(stmt, 5);
		copy_column(stmt, 6, event.detail, sizeof(event.detail));
		if (visit(&event, ctx) < 0) {
			result = -1;
			break;
		}
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = cc_registry_fail(reg, rc, "reading audit events", err);
	sqlite3_finalize(stmt);
	return result;
}

int cc_events_trim(struct cc_registry *reg, int64_t chat, const char *action, unsigned keep, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (cc_registry_prepare(reg,
				"DELETE FROM events WHERE chat = ?1 AND action = ?2 AND id NOT IN "
				"(SELECT id FROM events WHERE chat = ?1 AND action = ?2 ORDER BY id DESC LIMIT ?3)",
				&stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, chat);
	sqlite3_bind_text(stmt, 2, action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, keep);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : cc_registry_fail(reg, rc, "trimming the audit trail", err);
}
