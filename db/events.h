/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The audit trail: one row per lifecycle event, written in the same
 * transaction as the change it records. */
#ifndef CHATCELL_EVENTS_H
#define CHATCELL_EVENTS_H

#include <stdint.h>

#include "db/chats.h"
#include "db/registry.h"

/* `chat` may be NULL for host-wide events (init). `detail` may be NULL. */
int cc_events_add(struct cc_registry *reg, int64_t at, const char *actor, const char *action,
		  const struct cc_chat *chat, const char *detail, struct cc_err *err);

struct cc_event {
	int64_t id;
	int64_t at;
	char actor[128];
	char action[32];
	char name[CC_NAME_MAX + 1];
	uint32_t uid;
	char detail[512];
};

/* A visitor returns 0 to go on, or -1 to stop with the err given to the
 * walk filled in (the walk then returns -1). */
typedef int (*cc_event_visitor)(const struct cc_event *event, void *ctx);

/* Keep only the `keep` latest events of `action` for one chat row (the
 * DNS gate's refusals, which would otherwise grow without end). */
int cc_events_trim(struct cc_registry *reg, int64_t chat, const char *action, unsigned keep, struct cc_err *err);

/* The events of one chat row, oldest first. */
int cc_events_each_for_chat(struct cc_registry *reg, int64_t chat, cc_event_visitor visit, void *ctx,
			    struct cc_err *err);

#endif
