/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One nftables transaction, built with libnftnl and sent over netlink with
 * libmnl (no nft binary, no shell), and the expressions chatcell's rules
 * are made of. Shared by the egress tables inside cells (egress_nft.c)
 * and the host's part (host_nft.c). Every put_* function records a failed
 * allocation in the batch, and the commit then fails with ENOMEM, so a
 * builder checks once, at the end. */
#ifndef CHATCELL_NFT_BATCH_H
#define CHATCELL_NFT_BATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

struct nlmsghdr;
struct nftnl_rule;
struct cc_nft_batch;

struct cc_nft_batch *cc_nft_batch_new(void);
void cc_nft_batch_free(struct cc_nft_batch *batch);

/* Send the batch as one transaction, in the caller's network namespace, or
 * (netns_fd >= 0) in that one. On failure *kernel_errno holds the kernel's
 * answer: ENOENT when a table vanished (someone ran `nft flush ruleset`). */
int cc_nft_batch_commit(struct cc_nft_batch *batch, int *kernel_errno, struct cc_err *err);
int cc_nft_batch_commit_in(struct cc_nft_batch *batch, int netns_fd, int *kernel_errno, struct cc_err *err);

/* A bound netfilter socket of the caller's network namespace, or (netns_fd
 * >= 0) of that one: a socket belongs to the namespace it was made in.
 * NULL with errno. */
struct mnl_socket;
struct mnl_socket *cc_nft_socket_open(int netns_fd);

/* The building blocks. A message header (NLM_F_ACK added), then the
 * payload, then cc_nft_batch_update; or a failed allocation noted. */
struct nlmsghdr *cc_nft_put_header(struct cc_nft_batch *batch, int type, uint16_t flags);
void cc_nft_batch_update(struct cc_nft_batch *batch);
void cc_nft_batch_oom(struct cc_nft_batch *batch);

/* Table `name` of the inet family: NFT_MSG_NEWTABLE or NFT_MSG_DELTABLE. */
void cc_nft_put_table(struct cc_nft_batch *batch, const char *name, int type, uint16_t flags);

/* Make table `table` empty and new, whether or not it exists: create, then
 * delete, then create again, in the batch's one transaction. */
void cc_nft_put_fresh_table(struct cc_nft_batch *batch, const char *table);

/* Create table `table`, which must not exist (the commit fails with EEXIST
 * otherwise). Cheaper than a fresh table where none can be: a delete in a
 * batch makes the socket's close wait for an RCU grace period. */
void cc_nft_put_new_table(struct cc_nft_batch *batch, const char *table);

/* A chain; a base chain if hook is given. */
struct cc_nft_hook {
	uint32_t hooknum;  /* NF_INET_LOCAL_OUT, NF_INET_FORWARD, ... */
	int32_t priority;
	const char *type;  /* "filter" or "nat" */
	uint32_t policy;   /* NF_ACCEPT or NF_DROP */
};
void cc_nft_put_chain(struct cc_nft_batch *batch, const char *table, const char *name, const struct cc_nft_hook *hook);

/* A named counter object. */
void cc_nft_put_counter(struct cc_nft_batch *batch, const char *table, const char *name);
/* ct timeout `name`: IPv4 UDP flows given it (cc_nft_ct_timeout_ref) end
 * `seconds` after their last packet, answered or not. */
void cc_nft_put_udp4_timeout(struct cc_nft_batch *batch, const char *table, const char *name, uint32_t seconds);
/* ct timeout `name`: TCP flows given it are forgotten `seconds` after they
 * close (TIME_WAIT, CLOSE); every other state keeps the kernel's default. */
void cc_nft_put_tcp_closed_timeout(struct cc_nft_batch *batch, const char *table, const char *name,
				   uint32_t seconds);

/* limit `name`: rate over `per_second`/second, burst `burst` packets; one
 * bucket for every rule that names it (cc_nft_limit_ref). */
void cc_nft_put_limit_over(struct cc_nft_batch *batch, const char *table, const char *name, uint64_t per_second,
			   uint32_t burst);

/* A rule: start it, add expressions, put it (appended to its chain). */
struct nftnl_rule *cc_nft_new_rule(const char *table, const char *chain);
void cc_nft_put_rule(struct cc_nft_batch *batch, struct nftnl_rule *r);

/* Append `e`, made by the caller with nftnl_expr_alloc; NULL (out of
 * memory) makes the rule fail the batch when it is put. */
struct nftnl_expr;
void cc_nft_add_expr(struct nftnl_rule *r, struct nftnl_expr *e);

/* Expressions; each appends one (nothing if r is NULL or memory ran out,
 * which the batch then reports). */
/* [exthdr ... exists]: 1 in `dreg` (one byte) if the packet has the IPv6
 * extension header (op NFT_EXTHDR_OP_IPV6) or IPv4 option
 * (NFT_EXTHDR_OP_IPV4) `type`, else 0. */
void cc_nft_exthdr_exists(struct nftnl_rule *r, uint32_t op, uint8_t type, uint32_t dreg);
/* [counter]: a count of the rule's own (nft list shows it). */
void cc_nft_counter(struct nftnl_rule *r);
void cc_nft_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg);
void cc_nft_to_big_endian_u32(struct nftnl_rule *r, uint32_t reg);
void cc_nft_cmp(struct nftnl_rule *r, uint32_t reg, uint32_t op, const void *data, uint32_t len);
void cc_nft_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len, uint32_t dreg);
void cc_nft_verdict(struct nftnl_rule *r, int code, const char *chain);
void cc_nft_reject(struct nftnl_rule *r, uint32_t type, uint8_t code);
/* notrack: the packet gets no conntrack entry */
void cc_nft_notrack(struct nftnl_rule *r);
/* ct count over `count`: the connections this rule saw that the kernel
 * still tracks are more than `count` (the match only) */
void cc_nft_ct_count_over(struct nftnl_rule *r, uint32_t count);
/* limit name `name` (the match only: a packet past that object's bucket) */
void cc_nft_limit_ref(struct nftnl_rule *r, const char *name);
/* ct status & confirmed == 0: a flow's first packet, before conntrack
 * confirms it (the match only) */
void cc_nft_ct_unconfirmed(struct nftnl_rule *r);
void cc_nft_counter_ref(struct nftnl_rule *r, const char *name);
/* ct mark set `mark` (host byte order, as the kernel keeps it) */
void cc_nft_ct_mark_set(struct nftnl_rule *r, uint32_t mark);
/* ct timeout set `name` (a new flow's, before conntrack confirms it) */
void cc_nft_ct_timeout_ref(struct nftnl_rule *r, const char *name);
/* ct state established,related (the match only) */
void cc_nft_ct_established(struct nftnl_rule *r);
/* the bits of register `reg` under `mask`, compared to `value` (len bytes) */
void cc_nft_masked_cmp(struct nftnl_rule *r, uint32_t reg, const void *mask, const void *value, uint32_t len);

/* meta skuid <first>-<last>: the socket owner's UID in a range (the UID is
 * host-endian, the range compares big-endian bytes, hence the byteorder). */
void cc_nft_skuid_range(struct nftnl_rule *r, uint32_t first, uint32_t last);
/* meta iifname|oifname (key) ==|!= (op) "<prefix>*": a wildcard interface
 * name is a compare of its first bytes, without the NUL (as nft does it). */
void cc_nft_ifname_prefix(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *prefix);
/* ip saddr|daddr (or ip6) within family's prefix `addr`/`prefix_len`: the
 * nfproto check, the header field, then a masked compare. */
void cc_nft_addr_in_prefix(struct nftnl_rule *r, int family, bool source, const uint8_t *addr, unsigned prefix_len);

#endif
