/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The public NSS view: a root-owned directory of symbolic links published by
 * chatcell-admin and read by libnss_chatcell.so.2. A link's target is its
 * record, so one readlink() answers a lookup, creating or deleting a chat
 * touches two directory entries whatever the number of chats, and no chat ID
 * is ever stored here.
 *
 *   params            -> "chatcell-view-1 <prefix> <uid_min> <uid_max> <home_base> <shell>"
 *   n.<name>          -> "<uid>"
 *   u.<uid>           -> "<name>"
 */
#ifndef CHATCELL_VIEW_FORMAT_H
#define CHATCELL_VIEW_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/sizes.h"

#define CC_VIEW_DIR CHATCELL_STATE_DIR "/nss"
#define CC_VIEW_PARAMS "params"
#define CC_VIEW_MAGIC "chatcell-view-1"
#define CC_VIEW_BY_NAME "n."
#define CC_VIEW_BY_UID "u."
#define CC_VIEW_PARAMS_MAX 512
#define CC_GECOS "chatcell chat"

struct cc_view_params {
	char prefix[CC_PREFIX_MAX + 1];
	uint32_t uid_min;
	uint32_t uid_max;
	char home_base[CC_PATH_MAX + 1];
	char shell[CC_PATH_MAX + 1];
};

/* Returns the length written, or -1 if it does not fit. */
int cc_view_params_format(const struct cc_view_params *params, char *out, size_t out_len);
/* Parses and validates; -1 on anything unexpected. */
int cc_view_params_parse(const char *text, struct cc_view_params *params);

/* Checks that need no system call, done before any I/O so that lookups of
 * the host's other users cost nothing. */
bool cc_view_uid_in_envelope(uint32_t uid);
bool cc_view_name_has_chat_shape(const char *name);

/* With the shape already checked: is the part before the hash `prefix`? */
bool cc_view_name_matches_prefix(const char *name, const char *prefix);

/* Decimal UID text → uid within [min, max]; -1 otherwise. */
int cc_view_parse_uid(const char *text, uint32_t min, uint32_t max, uint32_t *uid);

#endif
