/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which chat `run` and `shell` start, and what: `run CHAT_ID [--] CMD...`,
 * `run --stdin [--] CMD...` (the first line of stdin is the chat ID; the
 * rest of stdin is the command's), `shell CHAT_ID | --stdin | --user NAME`. */
#ifndef CHATCELL_RUN_TARGET_H
#define CHATCELL_RUN_TARGET_H

#include <stdbool.h>

#include "admin.h"

/* Fills t and leaves a->opt.argv/argc as the command. */
int run_target_read(struct admin *a, struct chat_target *t, bool shell);

#endif
