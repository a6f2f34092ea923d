/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which chat's cell holds network index N (its link is ccN, its addresses
 * come from N): the DNS gate knows a query's cell by its link. */
#ifndef CHATCELL_CELL_INDEX_H
#define CHATCELL_CELL_INDEX_H

#include <stdint.h>

#include "base/error.h"
#include "cell/cell.h"

/* The running cell holding index `index`: 1 (uid and cell filled; the
 * keeper's pidfd pins it, so the answer stays true while it lives), 0 no
 * cell holds it, -1 error. */
int cc_cell_of_index(uint32_t index, uint32_t *uid, struct cc_cell *cell, struct cc_err *err);

#endif
