/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a cell's egress table refused: its "rejected" and "capped"
 * counters, read in the cell's network namespace (what `chatcell-admin
 * show` prints). */
#ifndef CHATCELL_EGRESS_COUNTER_H
#define CHATCELL_EGRESS_COUNTER_H

#include <stdint.h>

#include "base/error.h"

struct cc_egress_count {
	uint64_t packets;
	uint64_t bytes;
};

/* The counter `name` (CC_NFT_COUNTER, CC_NFT_CAP_COUNTER) of the table in
 * `netns_fd`: 1 read, 0 the cell has no table (or no such counter), -1
 * error. */
int cc_egress_counter(int netns_fd, const char *name, struct cc_egress_count *count, struct cc_err *err);

#endif
