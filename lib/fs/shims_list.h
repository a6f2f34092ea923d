/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* shims.list: the commands a chat session finds on its PATH (shims.h).
 * Command names separated by blanks, any number a line; '#' starts a
 * comment. A name is 1 to 64 characters of [A-Za-z0-9._+-], not "." or
 * "..". */
#ifndef CHATCELL_SHIMS_LIST_H
#define CHATCELL_SHIMS_LIST_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"

#define CC_SHIMS_MAX 512
#define CC_SHIM_NAME_MAX 64
#define CC_SHIMS_LINE_MAX 255

struct cc_shims_list {
	unsigned count;
	char names[CC_SHIMS_MAX][CC_SHIM_NAME_MAX + 1];
};

/* Read the whole list from `f`; `origin` names it in messages
 * ("ORIGIN:LINE: ..."). */
int cc_shims_list_read(FILE *f, const char *origin, struct cc_shims_list *list, struct cc_err *err);

bool cc_shims_list_has(const struct cc_shims_list *list, const char *name);

#endif
