/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Limits on the command line and in output: "512M", "300", "50%", "max",
 * and "default" (the registry's -1: whatever chatcell.conf says). The
 * values themselves are parsed by base/limit_value.h. */
#ifndef CHATCELL_LIMITS_TEXT_H
#define CHATCELL_LIMITS_TEXT_H

#include <stdint.h>

#include "base/error.h"
#include "base/limit_value.h"
#include "config/conf.h"
#include "db/chats.h"

/* Parse into a registry value: -1 default, 0 no limit, else the value. */
int limit_parse(enum cc_limit_kind kind, const char *text, int64_t *value, struct cc_err *err);

/* A chat's effective limits, each as text. */
struct limits_text {
	char memory[32], pids[32], cpu[32], disk[32], inodes[32];
};
void limits_describe(const struct cc_config *config, const struct cc_chat *chat, struct limits_text *text);

#endif
