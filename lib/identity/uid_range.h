/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The rules a chat UID range must keep beyond the envelope of sizes.h:
 * the ranges systemd reserves for itself (docs/UIDS-GIDS.md). */
#ifndef CHATCELL_UID_RANGE_H
#define CHATCELL_UID_RANGE_H

#include <stdint.h>

#include "base/error.h"

/* CC_ERR_CONFLICT naming the reserved range [first, last] overlaps, and
 * `config_path` as the place to change it. */
int cc_uid_range_check_reserved(uint32_t first, uint32_t last, const char *config_path, struct cc_err *err);

#endif
