/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A cell's egress table, in the cell's own network namespace: one table,
 * "inet chatcell", built over netlink (nft_batch.h):
 *
 *   chain output  (hook output, priority filter, policy accept)
 *       oif "lo" accept                               # the cell's own loopback
 *       meta skuid <uid_min>-<uid_max> jump chat      # only chat sockets
 *   chain input   (hook input, priority filter, policy drop)
 *       iif "lo" accept
 *       ct state established,related accept          # replies, nothing new
 *       icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
 *   chain chat
 *       ct state established,related accept
 *       meta skuid . ip daddr . meta l4proto . th dport @exact4 goto admit
 *       meta skuid . ip6 daddr . meta l4proto . th dport @exact6 goto admit
 *       meta skuid . ip daddr . meta l4proto . th dport @allow4 goto admit
 *       meta skuid . ip6 daddr . meta l4proto . th dport @allow6 goto admit
 *       ip daddr . meta l4proto . th dport @shared4 goto admit   # egress_allow
 *       ip6 daddr . meta l4proto . th dport @shared6 goto admit
 *       ip daddr 169.254.1.1 meta l4proto udp|tcp th dport 53 ... accept  # the DNS gate
 *       meta skuid . ip daddr . meta l4proto . th dport @dns4 goto admit  # learned
 *       meta skuid . ip6 daddr . meta l4proto . th dport @dns6 goto admit
 *       meta l4proto tcp|udp th dport 53|853 counter name "rejected" reject  # other DNS
 *       meta l4proto tcp|udp meta skuid . ip daddr @dnsany4 goto admit # learned,
 *       meta l4proto tcp|udp meta skuid . ip6 daddr @dnsany6 goto admit # any port
 *       meta l4proto tcp counter name "rejected" reject with tcp reset
 *       counter name "rejected" reject with icmpx admin-prohibited
 *   chain admit       # the cap and the rate of new flows (egress_nft.c)
 *   chain capped      # what they refuse, counted in "capped"
 *
 * The table lives in the namespace it guards: `nft flush ruleset` on the
 * host acts on the host's namespace only, and the chat has no
 * CAP_NET_ADMIN over its cell's, so it fails closed by construction.
 *
 * One address and one port (every --host address) go to the exact sets,
 * hash tables: O(1) to look up and to change. Prefixes and port ranges go
 * to the allow sets, concatenations with the interval flag: O(1) lookups,
 * but the kernel clones such a set on every change, so a change costs
 * O(its size). Both have timeouts. Every change is one batch, applied by
 * the kernel atomically or not at all.
 *
 * Cells reach DNS only through the DNS gate (chatcelld) at their gateway,
 * which the host's part sends to the gate; the gate fills the learned sets
 * dns4/dns6/dnsany4/dnsany6 (hash, timeouts) with the addresses of the
 * answers it lets through. Queries to any other resolver and DNS over TLS
 * are refused unless an address rule (or egress_allow) names them; a
 * learned address without ports never opens 53 or 853. */
#ifndef CHATCELL_EGRESS_NFT_H
#define CHATCELL_EGRESS_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/egress_rule.h"
#include "base/error.h"
#include "config/conf.h"
#include "egress/nft_batch.h"

#define CC_NFT_TABLE "chatcell"
#define CC_NFT_COUNTER "rejected"
/* New flows refused because the cell tracks connections_max already. */
#define CC_NFT_CAP_COUNTER "capped"
/* The ct timeout of questions to the DNS gate, in the cell's table and the
 * host's. */
#define CC_NFT_DNS_TIMEOUT "dns"

/* How long such a flow is kept after its last packet: the gate answers
 * within 2 s per resolver it asks (chatcelld's GATE_UPSTREAM_TIMEOUT_MS),
 * and 10 s at least. */
static inline uint32_t cc_dns_flow_seconds(const struct cc_config *config)
{
	uint32_t seconds = 2 + 2 * config->dns_server_count;

	return seconds < 10 ? 10 : seconds;
}

/* Question flows to the gate a cell may have open: its burst and what its
 * rate adds while a flow is kept. */
static inline uint32_t cc_dns_flows_max(const struct cc_config *config)
{
	return config->dns_burst + config->dns_rate * cc_dns_flow_seconds(config);
}

/* Packets to the DNS gate (the gateway's port 53, UDP and TCP), in one
 * limit object: the gate's own rate limit counts the questions it has
 * read from the one socket every cell shares, so a chat sending faster
 * than that would fill the socket's buffer and crowd out other chats'
 * questions. Past four times dns_rate a second (at least 16), and twice
 * its question flows at once (at least 32), they are dropped in the cell,
 * before the established flows' accept, and counted in "dns_flood"; a
 * chat within its rate, or at its flows' cap, never meets it. */
#define CC_NFT_DNS_PACKETS "dns_packets"
#define CC_NFT_DNS_FLOOD_COUNTER "dns_flood"
static inline uint32_t cc_dns_packets_per_second(const struct cc_config *config)
{
	return config->dns_rate < 4 ? 16 : 4 * config->dns_rate;
}

static inline uint32_t cc_dns_packets_burst(const struct cc_config *config)
{
	return cc_dns_flows_max(config) < 16 ? 32 : 2 * cc_dns_flows_max(config);
}

/* A closed TCP connection (TIME_WAIT, CLOSE) leaves connections_max's
 * count, but the kernel keeps its entry 120 s (TIME_WAIT) by default, in
 * the cell and on the host: a chat's TCP flows, and only theirs, are
 * forgotten this long after they close. */
#define CC_NFT_TCP_TIMEOUT "cell_tcp"
#define CC_CLOSED_FLOW_SECONDS 10

/* The new flows a cell may open (bounded only with connections_max), TCP
 * questions to the gate included, in one limit object "new_flows": twice
 * its cap at once, so a chat filling its cap never meets this first, then
 * one cap per CC_CLOSED_FLOW_SECONDS. Flows closed in that time are then
 * at most the cap open before it plus the burst plus the rate's, and a
 * cell holds at most 5 x connections_max entries of the host's table,
 * besides the questions to the gate it has open (cc_dns_flow_seconds). */
#define CC_NFT_RATE_LIMIT "new_flows"
static inline uint32_t cc_new_flows_per_second(const struct cc_config *config)
{
	uint32_t rate = config->connections_max / CC_CLOSED_FLOW_SECONDS;

	return rate ? rate : 1;
}

static inline uint32_t cc_new_flows_burst(const struct cc_config *config)
{
	return 2 * config->connections_max;
}

/* One allowlist entry of one chat, as the kernel keeps it. */
struct cc_nft_element {
	uint32_t uid;
	struct cc_egress_rule rule;
	uint64_t timeout_ms; /* 0: never expires */
};

/* Replace the whole table (whatever state it is in) with an empty policy:
 * sets, counter, chains, rules, and the shared entries of the config. */
void cc_nft_batch_replace_table(struct cc_nft_batch *batch, const struct cc_config *config);

/* The same policy in a network namespace that has no table yet (a cell
 * being started): the commit fails if the table exists. */
void cc_nft_batch_new_table(struct cc_nft_batch *batch, const struct cc_config *config);

/* Add elements; adding one that is already there is not an error. */
void cc_nft_batch_add(struct cc_nft_batch *batch, const struct cc_nft_element *elements, size_t count);

/* Remove elements; removing one that is not there is not an error (each is
 * added and then deleted in the same transaction). */
void cc_nft_batch_remove(struct cc_nft_batch *batch, const struct cc_nft_element *elements, size_t count);

/* Does this element overlap that one (same family, protocol, and
 * intersecting addresses and ports)? The kernel refuses overlaps. */
bool cc_nft_rules_overlap(const struct cc_egress_rule *a, const struct cc_egress_rule *b);

/* An address a DNS answer gave the chat (the DNS gate, chatcelld), kept in
 * the learned sets until its timeout: dns4/dns6 (uid . addr . proto . port,
 * hash) for a --domain rule with ports, dnsany4/dnsany6 (uid . addr, hash)
 * for one without, which allows every TCP and UDP port but 53 and 853. */
struct cc_nft_learned {
	uint32_t uid;
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order */
	bool any_port;
	uint8_t proto;    /* IPPROTO_TCP or IPPROTO_UDP, when !any_port */
	uint16_t port;    /* when !any_port */
	uint64_t timeout_ms;
};

/* Add learned elements (one already there is not an error: it takes the
 * new timeout, shorter or longer, as the kernel (6.18) does; see
 * tests/integration/egress_domain.sh). */
void cc_nft_batch_learn(struct cc_nft_batch *batch, const struct cc_nft_learned *els, size_t count);
/* Delete learned elements; each must be there (ENOENT fails the batch). */
void cc_nft_batch_unlearn(struct cc_nft_batch *batch, const struct cc_nft_learned *els, size_t count);
/* Empty the four learned sets. */
void cc_nft_batch_forget_learned(struct cc_nft_batch *batch);

#endif
