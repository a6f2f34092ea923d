/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "recovery.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "fs/chat_lock.h"
#include "lifecycle.h"

struct pending_list {
	int64_t *ids;
	size_t count;
	size_t capacity;
	struct cc_err *err;
};

static int collect_pending(const struct cc_chat *chat, void *ctx)
{
	struct pending_list *list = ctx;
	int64_t *grown = cc_grow(list->ids, &list->capacity, list->count, sizeof(*list->ids), 8);

	if (!grown)
		return cc_fail_errno(list->err, CC_ERR_SYSTEM, ENOMEM, "collecting unfinished chats");
	list->ids = grown;
	list->ids[list->count++] = chat->id;
	return 0;
}

/* How many of the stuck chats are kept with their reason. */
static unsigned stuck_kept(const struct admin *a)
{
	return a->stuck_count < ADMIN_STUCK_MAX ? a->stuck_count : ADMIN_STUCK_MAX;
}

static struct admin_stuck *find_stuck(struct admin *a, int64_t chat)
{
	for (unsigned i = 0; i < stuck_kept(a); i++)
		if (a->stuck[i].chat == chat)
			return &a->stuck[i];
	return NULL;
}

/* Keep the reason a->err holds for later, and clear it. */
static void remember_stuck(struct admin *a, int64_t chat)
{
	if (a->stuck_count < ADMIN_STUCK_MAX) {
		struct admin_stuck *s = &a->stuck[a->stuck_count];

		s->chat = chat;
		s->told = false;
		s->err = a->err;
	}
	a->stuck_count++;
	memset(&a->err, 0, sizeof(a->err));
}

/* With the chat's lock held: re-read the row and finish its step. */
static int finish_row_locked(struct admin *a, int64_t id)
{
	struct cc_chat chat;
	int found = cc_chats_find_by_id(&a->reg, id, &chat, &a->err);

	if (found <= 0)
		return found;
	return lifecycle_finish(a, &chat);
}

int recovery_run(struct admin *a)
{
	struct pending_list list = {.err = &a->err};

	if (cc_chats_each(&a->reg, true, true, collect_pending, &list, &a->err) < 0) {
		free(list.ids);
		return -1;
	}
	for (size_t i = 0; i < list.count; i++) {
		struct cc_chat chat;
		int found = cc_chats_find_by_id(&a->reg, list.ids[i], &chat, &a->err);

		if (found < 0) {
			free(list.ids);
			return -1;
		}
		if (!found || cc_chat_lock(a->lock_fd, chat.uid, false) < 0)
			continue; /* gone meanwhile, or a live process is on it */
		if (finish_row_locked(a, chat.id) < 0)
			remember_stuck(a, chat.id);
		cc_chat_unlock(a->lock_fd, chat.uid);
	}
	free(list.ids);
	return 0;
}

/* A step recovery_run already failed to finish in this run: the same
 * reason, once, instead of trying again. */
static int fail_if_stuck(struct admin *a, int64_t chat)
{
	struct admin_stuck *s = find_stuck(a, chat);

	if (!s)
		return 0;
	s->told = true;
	a->err = s->err;
	return -1;
}

int recovery_finish_locked(struct admin *a, struct cc_chat *chat)
{
	if (chat->pending == CC_PENDING_NONE)
		return 0;
	if (fail_if_stuck(a, chat->id) < 0)
		return -1;
	return lifecycle_finish(a, chat);
}

int recovery_settle(struct admin *a, struct cc_chat *chat)
{
	int rc;

	if (chat->pending == CC_PENDING_NONE)
		return 0;
	if (fail_if_stuck(a, chat->id) < 0)
		return -1;
	rc = cc_chat_lock(a->lock_fd, chat->uid, true);
	if (rc < 0)
		return cc_fail_errno(&a->err, CC_ERR_SYSTEM, -rc, "cannot take the work lock of %s", chat->name);
	rc = finish_row_locked(a, chat->id);
	if (rc >= 0)
		rc = cc_chats_find_by_id(&a->reg, chat->id, chat, &a->err);
	cc_chat_unlock(a->lock_fd, chat->uid);
	return rc < 0 ? -1 : 0;
}

void recovery_replaced(struct admin *a, int64_t chat)
{
	struct admin_stuck *s = find_stuck(a, chat);

	if (s)
		s->told = true; /* the command that replaces the step reports on it */
}

void recovery_warn(struct admin *a)
{
	for (unsigned i = 0; i < stuck_kept(a); i++) {
		if (a->stuck[i].told)
			continue;
		fprintf(stderr, "chatcell-admin: warning: %s\n", a->stuck[i].err.msg);
		a->stuck[i].told = true;
	}
	if (a->stuck_count > ADMIN_STUCK_MAX && !a->stuck_more_told) {
		fprintf(stderr, "chatcell-admin: warning: %u more chats have unfinished steps; 'chatcell-admin show' "
				"names the step of each\n",
			a->stuck_count - ADMIN_STUCK_MAX);
		a->stuck_more_told = true;
	}
}

int recovery_left_error(struct admin *a)
{
	for (unsigned i = 0; i < stuck_kept(a); i++)
		if (!a->stuck[i].told)
			return fail_if_stuck(a, a->stuck[i].chat);
	return 0;
}
