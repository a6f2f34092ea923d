/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Keeping the kernel's egress tables equal to the registry. Each running
 * cell has its own table, in its own network namespace (egress_nft.h); a
 * chat without a running cell has none, and its next cell is built from
 * the registry. The registry is the truth: a cell's table can always be
 * rebuilt from it in one transaction. Callers hold a registry write
 * transaction, so a login building its cell's table and a change to that
 * chat's allowlist never interleave. */
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

/* Rebuild the table of every running cell from the registry, one
 * transaction per cell; how many in *cells (if not NULL). */
int cc_egress_rebuild(struct cc_registry *reg, const struct cc_config *config, int64_t now, size_t *cells,
		      struct cc_err *err);

/* Add and remove elements whose change the registry already holds (in the
 * caller's open transaction), in the cells of their chats that run; a
 * vanished table is rebuilt instead. Open connections stay (a host rule's
 * refresh, new addresses for a name, is no reason to cut them). */
int cc_egress_change(struct cc_registry *reg, const struct cc_config *config, const struct cc_nft_element *add,
		     size_t add_count, const struct cc_nft_element *remove, size_t remove_count, int64_t now,
		     struct cc_err *err);

/* The admin took these elements away (egress deny): removed as by
 * cc_egress_change, and each of their chats' running cells forgets its
 * open connections (conntrack_flush.h), so none outlives its rule. */
int cc_egress_revoke(struct cc_registry *reg, const struct cc_config *config, const struct cc_nft_element *remove,
		     size_t remove_count, int64_t now, struct cc_err *err);

/* Empty the learned sets (the DNS gate's) of chat `uid`'s cell, if one
 * runs: after a domain rule is removed, no address it let the chat learn
 * stays open. A vanished table is rebuilt instead. 0 or -1. */
int cc_egress_forget_learned(struct cc_registry *reg, const struct cc_config *config, uint32_t uid, int64_t now,
			     struct cc_err *err);

/* Build the table of chat `uid`'s cell, whose network namespace is
 * `netns`, anew from the registry (a cell of no chat gets a table that lets
 * nothing out). */
int cc_egress_build_cell(struct cc_registry *reg, const struct cc_config *config, uint32_t uid, int netns,
			 int64_t now, struct cc_err *err);

/* At session start in a running cell, which the caller has joined: the
 * table of the cell of chat `chat` (its registry id) is built anew from
 * the registry, or this fails. */
int cc_egress_ensure_chat(struct cc_registry *reg, const struct cc_config *config, int64_t chat, int64_t now,
			  struct cc_err *err);

/* While a cell is started: its table, built from the registry into its
 * network namespace `netns`, which must have none yet (the commit fails
 * with EEXIST otherwise). Making a table, rather than replacing one, spares
 * the start an RCU grace period (about 10 ms) in the close of the
 * nftables socket. */
int cc_egress_start_chat(struct cc_registry *reg, const struct cc_config *config, int64_t chat, int netns,
			 int64_t now, struct cc_err *err);

#endif
