/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Limits on the command line and in output: "512M", "300", "50%", "max",
 * and "default" (the registry's -1: whatever chatcell.conf says). The
 * values themselves are parsed by base/limit_value.h. */
#ifndef CHATCELL_LIMITS_TEXT_H
#define CHATCELL_LIMITS_TEXT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io_limit.h"
#include "base/limit_value.h"
#include "config/conf.h"
#include "db/chats.h"

/* Parse into a registry value: -1 default, 0 no limit, else the value. */
int limit_parse(enum cc_limit_kind kind, const char *text, int64_t *value, struct cc_err *err);

/* --io-max into the chat's columns: "default" clears *set. */
int io_max_parse(const char *text, bool *set, struct cc_io_max *max, struct cc_err *err);

/* A chat's effective limits, each as text. */
struct limits_text {
	char memory[32], pids[32], cpu[32], disk[32], inodes[32], io_weight[32], io_max[CC_IO_MAX_TEXT];
};
void limits_describe(const struct cc_config *config, const struct cc_chat *chat, struct limits_text *text);
/* io_max for people: "none" rather than the syntax's "max". */
const char *io_max_shown(const struct limits_text *text);

/* Which disks io_max caps, and the writable trees on none: "io_max caps
 * vda (254:0); /tmp/x is on device 0:42, not a disk ...". For init and
 * show. */
#define IO_DISKS_TEXT (3 * CC_PATH_MAX + 256)
void io_disks_describe(const struct cc_config *config, char *out, size_t out_len);

#endif
