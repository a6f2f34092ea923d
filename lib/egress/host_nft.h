/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host's part of the cells' network, in the host's (initial) network
 * namespace: one table, "inet chatcell", built over netlink (nft_batch.h)
 * as one transaction:
 *
 *   chain forward      (hook forward, priority filter, policy accept)
 *       iifname "cc*" oifname "cc*" counter name "dropped" drop  # cell to cell
 *       oifname "cc*" ct state established,related accept       # replies
 *       oifname "cc*" counter name "dropped" drop               # nothing new in
 *   chain postrouting  (type nat, hook postrouting, priority srcnat)
 *       ip saddr <cell_ipv4_range> oifname != "cc*" masquerade
 *       ip6 saddr <cell_ipv6_range> oifname != "cc*" masquerade
 *   chain output       (hook output, priority filter, policy accept)
 *       meta skuid <uid_min>-<uid_max> counter name "rejected" reject
 *   chain prerouting   (type nat, hook prerouting, priority dstnat)
 *       iifname "cc*" meta l4proto tcp ct timeout set "cell_tcp"    # closed: 10 s
 *       iifname "cc*" ip daddr 169.254.1.1 udp|tcp dport 53 dnat to 127.0.0.1:<dns_gate_port>
 *       (two rules: DNS to the gate, chatcelld; UDP with ct timeout "dns")
 *
 * A chat process runs inside its cell, so the last rule matches nothing
 * unless something went wrong: a chat outside its cell has no network.
 * The table has the name the per-UID egress table had on the host, so
 * building it replaces that one. chatcelld(8) rebuilds it whenever it is
 * damaged (`nft flush ruleset`). */
#ifndef CHATCELL_HOST_NFT_H
#define CHATCELL_HOST_NFT_H

#include <stddef.h>

#include "base/error.h"
#include "config/conf.h"
#include "net/cell_addr.h"

#define CC_HOST_NFT_TABLE "chatcell"
/* The host's end of every cell's link is "cc<index>" (lib/net/cell_addr.h). */
#define CC_HOST_NFT_CELL_LINKS CC_CELL_HOST_LINK_PREFIX

/* The table's chains and how many rules each has once built. */
struct cc_host_nft_chain {
	const char *name;
	unsigned rules;
};
#define CC_HOST_NFT_CHAINS 4
extern const struct cc_host_nft_chain cc_host_nft_chains[CC_HOST_NFT_CHAINS];

/* Build the table anew (whatever state it is in), in one transaction. */
int cc_host_nft_apply(const struct cc_config *config, struct cc_err *err);

/* Remove the table. Returns 1 removed, 0 it was not there, -1 error. */
int cc_host_nft_remove(struct cc_err *err);

/* Is the table there, with its chains and all their rules? 1 yes; 0 no,
 * with what is missing in `damage` (if not NULL); -1 error (err set). */
int cc_host_nft_intact(char *damage, size_t damage_len, struct cc_err *err);

#endif
