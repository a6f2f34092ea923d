/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a cell's egress table refused: its "rejected" counter, read in the
 * cell's network namespace (what `chatcell-admin show` prints). */
#ifndef CHATCELL_EGRESS_COUNTER_H
#define CHATCELL_EGRESS_COUNTER_H

#include <stdint.h>

#include "base/error.h"

struct cc_egress_count {
	uint64_t packets;
	uint64_t bytes;
};

/* The counter of the table in `netns_fd`: 1 read, 0 the cell has no
 * table, -1 error. */
int cc_egress_rejected(int netns_fd, struct cc_egress_count *count, struct cc_err *err);

#endif
