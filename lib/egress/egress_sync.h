/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Keeping the kernel's egress table equal to the registry. The registry is
 * the truth: the table can always be rebuilt from it in one transaction,
 * which is also how a table that vanished (`nft flush ruleset`, a reboot,
 * the admin reloading nftables.conf) is recovered, as systemd does: an
 * update that fails with ENOENT rebuilds the table and is retried once. */
#ifndef CHATCELL_EGRESS_SYNC_H
#define CHATCELL_EGRESS_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "config/conf.h"
#include "egress/egress_nft.h"
#include "db/registry.h"

/* The kernel elements of one chat (chat > 0) or of every live chat, with
 * what is left of each resolved address's TTL; expired ones are left out.
 * The caller frees *elements. */
int cc_egress_collect(struct cc_registry *reg, int64_t chat, int64_t now, struct cc_nft_element **elements,
		      size_t *count, struct cc_err *err);

/* Rebuild the whole table from the registry as one transaction. */
int cc_egress_rebuild(struct cc_registry *reg, const struct cc_config *config, int64_t now, struct cc_err *err);

/* Add and remove elements whose change the registry already holds (in the
 * caller's open transaction); a vanished table is rebuilt instead. */
int cc_egress_change(struct cc_registry *reg, const struct cc_config *config, const struct cc_nft_element *add,
		     size_t add_count, const struct cc_nft_element *remove, size_t remove_count, int64_t now,
		     struct cc_err *err);

/* At session start: the chat's elements are in the kernel afterwards, or
 * this fails. */
int cc_egress_ensure_chat(struct cc_registry *reg, const struct cc_config *config, int64_t chat, int64_t now,
			  struct cc_err *err);

#endif
