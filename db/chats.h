/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Rows of the chats table. */
#ifndef CHATCELL_CHATS_H
#define CHATCELL_CHATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/io_limit.h"
#include "identity/chat_id.h"
#include "config/conf.h"
#include "db/registry.h"

enum cc_chat_state { CC_STATE_ACTIVE, CC_STATE_SUSPENDED, CC_STATE_DELETED };

/* A lifecycle step whose filesystem/kernel part may not have finished. */
enum cc_pending { CC_PENDING_NONE, CC_PENDING_CREATE, CC_PENDING_DELETE, CC_PENDING_SUSPEND };

#define CC_LIMIT_DEFAULT (-1) /* per-chat limit column is NULL: use chatcell.conf */

struct cc_chat {
	int64_t id;
	char chat_id[CC_CHAT_ID_MAX + 1];
	size_t chat_id_len;
	char name[CC_NAME_MAX + 1];
	uint32_t uid;
	enum cc_chat_state state;
	int64_t created_at;
	int64_t last_login_at;  /* 0: never */
	int64_t last_logout_at; /* 0: never */
	int64_t deleted_at;     /* 0: not deleted */
	int64_t memory_max;     /* CC_LIMIT_DEFAULT or bytes */
	int64_t pids_max;
	int64_t cpu_max_percent;
	int64_t disk_max;   /* bytes */
	int64_t inodes_max; /* files */
	int64_t io_weight;       /* CC_LIMIT_DEFAULT or 1 to 10000 */
	bool io_max_set;         /* false: chatcell.conf's io_max */
	struct cc_io_max io_max;
	enum cc_pending pending;
	char pending_arg[CC_PATH_MAX + 1];
};

const char *cc_chat_state_name(enum cc_chat_state state);
int cc_chat_state_parse(const char *text, enum cc_chat_state *state);
/* "create", "delete", "suspend", or NULL for CC_PENDING_NONE. */
const char *cc_chat_pending_name(enum cc_pending pending);

/* Lookups return 1 (found, *chat filled), 0 (not found) or -1 (error). */
int cc_chats_find_live_by_chat_id(struct cc_registry *reg, const char *chat_id, size_t len, struct cc_chat *chat,
				  struct cc_err *err);
int cc_chats_find_live_by_name(struct cc_registry *reg, const char *name, struct cc_chat *chat,
			       struct cc_err *err);
int cc_chats_find_by_uid(struct cc_registry *reg, uint32_t uid, struct cc_chat *chat, struct cc_err *err);
int cc_chats_find_by_id(struct cc_registry *reg, int64_t id, struct cc_chat *chat, struct cc_err *err);

/* The oldest row, live or not (1, 0 if there is none, -1). */
int cc_chats_find_first(struct cc_registry *reg, struct cc_chat *chat, struct cc_err *err);

/* Insert a new row (chat->id is set). */
int cc_chats_insert(struct cc_registry *reg, struct cc_chat *chat, struct cc_err *err);

/* Write back state, pending, deleted_at and limits of an existing row. */
int cc_chats_update(struct cc_registry *reg, const struct cc_chat *chat, struct cc_err *err);

/* Login bookkeeping: take these login and logout times where they are
 * later than the registry's (0 leaves one as is), from pam_chatcell or
 * from a cell record (cell.h) before it is replaced or removed. On a
 * session connection (cc_registry_open_session) it never waits: when
 * another process holds the write lock the times are skipped and it
 * returns 0 as if done (a login is never delayed for bookkeeping). */
int cc_chats_fold_logins(struct cc_registry *reg, uint32_t uid, int64_t login, int64_t logout, struct cc_err *err);

/* How many rows (live and quarantined). It reads every row: for a yes or
 * no, cc_chats_any. */
int cc_chats_count(struct cc_registry *reg, int64_t *count, struct cc_err *err);

/* Is there any row (live or quarantined)? Reads one page, whatever the
 * registry's size: every chatcell-admin command asks it. */
int cc_chats_any(struct cc_registry *reg, bool *any, struct cc_err *err);

/* Forget deleted chats whose quarantine ended before `cutoff`. */
int cc_chats_purge_deleted_before(struct cc_registry *reg, int64_t cutoff, struct cc_err *err);

/* A visitor returns 0 to go on, or -1 to stop with the err given to the
 * walk filled in (the walk then returns -1). */
typedef int (*cc_chat_visitor)(const struct cc_chat *chat, void *ctx);

/* Visit rows; include_deleted selects tombstones too, pending_only only
 * rows with an unfinished step. A visitor returning <0 stops the walk. */
int cc_chats_each(struct cc_registry *reg, bool include_deleted, bool pending_only, cc_chat_visitor visit,
		  void *ctx, struct cc_err *err);

#endif
