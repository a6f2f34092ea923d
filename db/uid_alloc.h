/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Choosing a UID for a new chat: the next free one after a cursor that only
 * moves forward (wrapping at the end of the range), so a freed UID comes back
 * as late as possible and never before its quarantine ended (its tombstone
 * row keeps it taken until then). A UID some other NSS source already knows
 * is skipped, as systemd does for dynamic users. */
#ifndef CHATCELL_UID_ALLOC_H
#define CHATCELL_UID_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "config/conf.h"
#include "db/registry.h"

/* Is this UID or GID already known to the host (through NSS)? 1 yes, 0 no,
 * -1 if that cannot be told (err says why): the allocation then fails. */
typedef int (*cc_uid_in_use_fn)(uint32_t uid, void *ctx, struct cc_err *err);

/* Is the UID free to take right now (e.g. its work lock can be taken)? The
 * check may take a lock the caller then owns. */
typedef bool (*cc_uid_claim_fn)(uint32_t uid, void *ctx);

struct cc_uid_allocator {
	cc_uid_in_use_fn in_use;
	cc_uid_claim_fn claim;
	void *ctx;
};

/* Inside a write transaction: pick, claim and return a UID, advancing the
 * cursor. Exhaustion is a CC_ERR_CONFLICT error. */
int cc_uid_allocate(struct cc_registry *reg, const struct cc_config *config, const struct cc_uid_allocator *alloc,
		    uint32_t *uid, struct cc_err *err);

#endif
