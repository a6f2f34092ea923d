/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How chats are shown: aligned text for people, one JSON document for
 * scripts (shapes documented in chatcell-admin(8), JSON OUTPUT). */
#ifndef CHATCELL_OUTPUT_H
#define CHATCELL_OUTPUT_H

#include <stdbool.h>

#include "admin.h"

/* ensure: {"name","uid","gid","home","shell","state","created"} */
void output_identity(struct admin *a, const struct cc_chat *chat, bool created);

/* show: the identity plus chat_id, times, limits and the audit trail. */
int output_chat_details(struct admin *a, const struct cc_chat *chat);

/* list: a table, or a JSON array of the objects `show` prints without events. */
void output_list_begin(struct admin *a);
void output_list_row(struct admin *a, const struct cc_chat *chat, bool first);
void output_list_end(struct admin *a, unsigned count);

#endif
