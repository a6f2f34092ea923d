/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/egress_nft.h"
#include "egress/conntrack_flush.h"
#include "egress/nft_batch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h> /* before libnftnl/expr.h, which uses FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdlib.h>
#include <string.h>

#include "net/cell_addr.h"

/* nft's datatype ids, concatenated 6 bits each: what `nft list` shows. */
#define TYPE_UID 24
#define TYPE_IPV4 7
#define TYPE_IPV6 8
#define TYPE_PROTO 12
#define TYPE_SERVICE 13
#define CONCAT2(a, b) (((a) << 6) | (b))

/* Elements per NEWSETELEM message: each message stays well under the 64 KiB
 * an attribute can hold. */
#define ELEMENTS_PER_MESSAGE 256

/* The order of the lookups in chain chat. */
enum set_id { EXACT4 = 1, EXACT6, ALLOW4, ALLOW6, SHARED4, SHARED6, DNS4, DNS6, DNSANY4, DNSANY6 };

static const struct set_shape {
	const char *name;
	int family;
	bool per_chat;
	bool interval;
	bool addr_only; /* uid . addr, no protocol and port */
} set_shapes[] = {
	[EXACT4] = {"exact4", AF_INET, true, false, false},   [EXACT6] = {"exact6", AF_INET6, true, false, false},
	[ALLOW4] = {"allow4", AF_INET, true, true, false},    [ALLOW6] = {"allow6", AF_INET6, true, true, false},
	[SHARED4] = {"shared4", AF_INET, false, true, false}, [SHARED6] = {"shared6", AF_INET6, false, true, false},
	[DNS4] = {"dns4", AF_INET, true, false, false},       [DNS6] = {"dns6", AF_INET6, true, false, false},
	[DNSANY4] = {"dnsany4", AF_INET, true, false, true},  [DNSANY6] = {"dnsany6", AF_INET6, true, false, true},
};

static void put_set(struct cc_nft_batch *batch, enum set_id id)
{
	const struct set_shape *shape = &set_shapes[id];
	int addr_type = shape->family == AF_INET ? TYPE_IPV4 : TYPE_IPV6;
	uint8_t addr_len = shape->family == AF_INET ? 4 : 16;
	uint8_t fields[4];
	uint32_t key_type = (uint32_t)(shape->addr_only ? addr_type : CONCAT2(CONCAT2(addr_type, TYPE_PROTO), TYPE_SERVICE));
	uint32_t key_len = addr_len + (shape->addr_only ? 0u : 8u);
	uint32_t flags = shape->interval ? NFT_SET_INTERVAL | NFT_SET_CONCAT : 0;
	size_t n = 0;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;

	if (!s) {
		cc_nft_batch_oom(batch);
		return;
	}
	if (shape->per_chat) {
		fields[n++] = 4;
		key_type |= (uint32_t)TYPE_UID << (shape->addr_only ? 6 : 18);
		key_len += 4;
		flags |= NFT_SET_TIMEOUT;
	}
	fields[n++] = addr_len;
	fields[n++] = 1; /* l4proto */
	fields[n++] = 2; /* port */
	nftnl_set_set_str(s, NFTNL_SET_TABLE, CC_NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, shape->name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_ID, (uint32_t)id);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_len);
	if (shape->interval) /* the field layout the interval lookup needs */
		nftnl_set_set_data(s, NFTNL_SET_DESC_CONCAT, fields, (uint32_t)n);
	nlh = cc_nft_put_header(batch, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	cc_nft_batch_update(batch);
}

static void lookup(struct nftnl_rule *r, enum set_id id, uint32_t sreg)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("lookup") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set_shapes[id].name);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, (uint32_t)id);
	}
	cc_nft_add_expr(r, e);
}

/* meta skuid <min>-<max> jump chat */
static struct nftnl_rule *rule_chat_uids(const struct cc_config *config)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, "output");

	cc_nft_skuid_range(r, config->uid_min, config->uid_max);
	cc_nft_verdict(r, NFT_JUMP, "chat");
	return r;
}

/* ct state established,related accept, in `chain` */
static struct nftnl_rule *rule_established(const char *chain)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, chain);

	cc_nft_ct_established(r);
	cc_nft_verdict(r, NF_ACCEPT, NULL);
	return r;
}

/* The cell's loopback is its own: meta iif|oif "lo" accept (the loopback
 * is interface 1 in every network namespace). */
static struct nftnl_rule *rule_loopback(const char *chain, uint32_t key)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, chain);
	uint32_t lo = 1;

	cc_nft_meta(r, key, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &lo, sizeof(lo));
	cc_nft_verdict(r, NF_ACCEPT, NULL);
	return r;
}

#define PRIORITY_RAW (-300) /* NF_IP_PRI_RAW: before conntrack (-200) */

/* Loopback traffic of the cell gets no conntrack entry: every packet in a
 * namespace whose table matches on ct state is tracked, and 127.0.0.0/8
 * gives a chat as many distinct flows as it likes (each an entry of
 * kernel memory, up to nf_conntrack_max per namespace: 262,144, about
 * 64 MB, measured here). In the output hook, before conntrack: a packet
 * comes back in through lo still "untracked", so the input side needs no
 * hook of its own (each hook is a cost on every packet of the cell). */
static struct nftnl_rule *rule_loopback_untracked(void)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, "raw_output");
	uint32_t lo = 1;

	cc_nft_meta(r, NFT_META_OIF, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &lo, sizeof(lo));
	cc_nft_notrack(r);
	return r;
}

/* meta l4proto `proto` (0: any) */
static void match_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	if (!proto)
		return;
	cc_nft_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &proto, sizeof(proto));
}

/* [meta l4proto tcp|udp] [meta skuid .] ip[6] daddr [. meta l4proto . th
 * dport] @set accept; the protocol (0: none) only for the address-only sets,
 * which allow TCP and UDP alone. */
static struct nftnl_rule *rule_lookup(enum set_id id, uint8_t proto)
{
	const struct set_shape *shape = &set_shapes[id];
	struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, "chat");
	bool v4 = shape->family == AF_INET;
	uint8_t nfproto = v4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
	uint32_t reg = NFT_REG32_00;

	if (!r)
		return NULL;
	cc_nft_meta(r, NFT_META_NFPROTO, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &nfproto, sizeof(nfproto));
	match_l4proto(r, proto);
	if (shape->per_chat) {
		cc_nft_meta(r, NFT_META_SKUID, reg);
		if (shape->interval) /* interval keys compare big-endian bytes */
			cc_nft_to_big_endian_u32(r, reg);
		reg++;
	}
	/* destination address: IPv4 header offset 16, IPv6 offset 24 */
	cc_nft_payload(r, NFT_PAYLOAD_NETWORK_HEADER, v4 ? 16 : 24, v4 ? 4 : 16, reg);
	reg += v4 ? 1 : 4;
	if (!shape->addr_only) {
		cc_nft_meta(r, NFT_META_L4PROTO, reg++);
		cc_nft_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg); /* destination port */
	}
	lookup(r, id, NFT_REG32_00);
	cc_nft_verdict(r, NFT_GOTO, "admit"); /* accepted there, once counted */
	return r;
}

/* [meta l4proto `proto`] [th dport `port`] counter name `counter` and the
 * reject a chat sees, in `chain`: a TCP reset, else ICMP administratively
 * prohibited (proto 0, port 0: everything). */
static void put_reject_in(struct cc_nft_batch *batch, const char *chain, const char *counter, uint8_t proto,
			  uint16_t port)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, chain);
	uint16_t port_be = htons(port);

	match_l4proto(r, proto);
	if (port) {
		cc_nft_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
		cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &port_be, sizeof(port_be));
	}
	cc_nft_counter_ref(r, counter);
	if (proto == IPPROTO_TCP)
		cc_nft_reject(r, NFT_REJECT_TCP_RST, 0);
	else
		cc_nft_reject(r, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
	cc_nft_put_rule(batch, r);
}

/* A refusal of the allowlist, counted in "rejected". */
static void put_reject(struct cc_nft_batch *batch, uint8_t proto, uint16_t port)
{
	put_reject_in(batch, "chat", CC_NFT_COUNTER, proto, port);
}

/* Every flow out of the cell is a conntrack entry in the cell and one on
 * the host, whose table (nf_conntrack_max) all chats and the host share:
 * past connections_max open flows, new ones are refused, counted in
 * "capped"; so are new flows past the rate (cc_new_flows_per_second),
 * which bounds the closed TCP connections the count no longer sees. Only
 * flows the allowlist admits are counted (each accepting lookup goes to
 * "admit"): a refused attempt never enters the count.
 *   capped: meta l4proto tcp counter name "capped" reject with tcp reset
 *           counter name "capped" reject with icmpx admin-prohibited
 *   admit:  ct status & confirmed == 0 limit name "new_flows" jump capped
 *           ct count over N jump capped
 *           meta l4proto tcp ct timeout set "cell_tcp" accept
 *           accept
 * The rate comes first: a flow it refuses never enters the count. One
 * connlimit list for every protocol: a second rule with a count of its
 * own would add each flow to both. Questions to the gate are counted
 * apart (put_gate_rules). */
static void put_capped_chain(struct cc_nft_batch *batch)
{
	cc_nft_put_chain(batch, CC_NFT_TABLE, "capped", NULL);
	put_reject_in(batch, "capped", CC_NFT_CAP_COUNTER, IPPROTO_TCP, 0);
	put_reject_in(batch, "capped", CC_NFT_CAP_COUNTER, 0, 0);
}

/* [...] ct status & confirmed == 0 limit name "new_flows" jump capped
 * (with a cap): a flow's first packet only (a UDP flow is NEW until its
 * first answer: its later packets take nothing from the bucket), and one
 * bucket for the allowlist's flows and TCP questions to the gate. */
static void put_rate_rule(struct cc_nft_batch *batch, struct nftnl_rule *r)
{
	cc_nft_ct_unconfirmed(r);
	cc_nft_limit_ref(r, CC_NFT_RATE_LIMIT);
	cc_nft_verdict(r, NFT_JUMP, "capped");
	cc_nft_put_rule(batch, r);
}

/* [... TCP's match] ct timeout set "cell_tcp" accept */
static void put_tcp_accept(struct cc_nft_batch *batch, struct nftnl_rule *r)
{
	cc_nft_ct_timeout_ref(r, CC_NFT_TCP_TIMEOUT);
	cc_nft_verdict(r, NF_ACCEPT, NULL);
	cc_nft_put_rule(batch, r);
}

static void put_admit_chain(struct cc_nft_batch *batch, const struct cc_config *config)
{
	struct nftnl_rule *r;

	cc_nft_put_chain(batch, CC_NFT_TABLE, "admit", NULL);
	if (config->connections_max) {
		put_rate_rule(batch, cc_nft_new_rule(CC_NFT_TABLE, "admit"));
		r = cc_nft_new_rule(CC_NFT_TABLE, "admit");
		cc_nft_ct_count_over(r, config->connections_max);
		cc_nft_verdict(r, NFT_JUMP, "capped");
		cc_nft_put_rule(batch, r);
	}
	r = cc_nft_new_rule(CC_NFT_TABLE, "admit");
	match_l4proto(r, IPPROTO_TCP);
	put_tcp_accept(batch, r);
	r = cc_nft_new_rule(CC_NFT_TABLE, "admit");
	cc_nft_verdict(r, NF_ACCEPT, NULL);
	cc_nft_put_rule(batch, r);
}

/* ip daddr 169.254.1.1 meta l4proto `proto` th dport 53, in "chat" */
static struct nftnl_rule *rule_to_gate(uint8_t proto)
{
	static const uint8_t gateway[4] = CC_CELL_GATEWAY4;
	struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, "chat");
	uint16_t port = htons(53);

	cc_nft_addr_in_prefix(r, AF_INET, false, gateway, 32);
	match_l4proto(r, proto);
	cc_nft_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &port, sizeof(port));
	return r;
}

/* Questions to the gate, the cell's gateway on port 53, which the host's
 * part sends to chatcelld (host_nft.h). Each UDP question is a flow of its
 * own (a new source port), kept by conntrack 30 s by default: they get
 * cc_dns_flow_seconds() instead, here and on the host, and a count of
 * their own, so that lookups never use up connections_max, and a flood of
 * junk to port 53 (which the gate's rate limit never sees) still cannot
 * fill the host's table. TCP questions are closed connections once
 * answered: they get the rate of new flows and the TCP timeout too.
 *   ip daddr 169.254.1.1 meta l4proto udp th dport 53 ct count over D jump capped
 *   ip daddr 169.254.1.1 meta l4proto udp th dport 53 ct mark set 0x1 ct timeout set "dns" accept
 *   ip daddr 169.254.1.1 meta l4proto tcp th dport 53 ct status & confirmed == 0 limit name "new_flows" jump capped
 *   ip daddr 169.254.1.1 meta l4proto tcp th dport 53 ct count over D jump capped
 *   ip daddr 169.254.1.1 meta l4proto tcp th dport 53 ct mark set 0x1 ct timeout set "cell_tcp" accept
 * D is what the gate answers in that time: dns_burst + dns_rate x the
 * seconds. One rule per protocol, each with its own count (so D for UDP
 * and D for TCP). The mark (CC_CT_MARK_GATE) keeps a question's flow
 * through a cut of the cell's connections (conntrack_flush.h). */
/* ip daddr 169.254.1.1 meta l4proto udp|tcp th dport 53 limit name
 * "dns_packets" counter name "dns_flood" drop (egress_nft.h) */
static void put_gate_flood_rules(struct cc_nft_batch *batch)
{
	static const uint8_t protos[] = {IPPROTO_UDP, IPPROTO_TCP};

	for (size_t i = 0; i < sizeof(protos); i++) {
		struct nftnl_rule *r = rule_to_gate(protos[i]);

		cc_nft_limit_ref(r, CC_NFT_DNS_PACKETS);
		cc_nft_counter_ref(r, CC_NFT_DNS_FLOOD_COUNTER);
		cc_nft_verdict(r, NF_DROP, NULL);
		cc_nft_put_rule(batch, r);
	}
}

static void put_gate_rules(struct cc_nft_batch *batch, const struct cc_config *config)
{
	static const uint8_t protos[] = {IPPROTO_UDP, IPPROTO_TCP};
	uint32_t questions = cc_dns_flows_max(config);

	cc_nft_put_udp4_timeout(batch, CC_NFT_TABLE, CC_NFT_DNS_TIMEOUT, cc_dns_flow_seconds(config));
	for (size_t i = 0; i < sizeof(protos); i++) {
		struct nftnl_rule *r;

		if (protos[i] == IPPROTO_TCP && config->connections_max) /* the rate first, as in "admit" */
			put_rate_rule(batch, rule_to_gate(IPPROTO_TCP));
		r = rule_to_gate(protos[i]);
		cc_nft_ct_count_over(r, questions);
		cc_nft_verdict(r, NFT_JUMP, "capped");
		cc_nft_put_rule(batch, r);
		r = rule_to_gate(protos[i]);
		cc_nft_ct_mark_set(r, CC_CT_MARK_GATE);
		if (protos[i] == IPPROTO_TCP) {
			put_tcp_accept(batch, r);
			continue;
		}
		cc_nft_ct_timeout_ref(r, CC_NFT_DNS_TIMEOUT);
		cc_nft_verdict(r, NF_ACCEPT, NULL);
		cc_nft_put_rule(batch, r);
	}
}

/* The rest of DNS: what the gate learned for the chat; other DNS and DNS
 * over TLS (53, 853) is refused unless an address rule above allowed it,
 * and only then an address learned without ports opens the rest of TCP
 * and UDP:
 *   meta skuid . ip[6] daddr . meta l4proto . th dport @dns4|@dns6 accept
 *   meta l4proto tcp|udp th dport 53|853 counter name "rejected" reject
 *   meta l4proto tcp|udp meta skuid . ip[6] daddr @dnsany4|@dnsany6 accept */
static void put_dns_rules(struct cc_nft_batch *batch)
{
	static const uint8_t protos[] = {IPPROTO_UDP, IPPROTO_TCP};
	static const uint16_t dns_ports[] = {53, 853};

	cc_nft_put_rule(batch, rule_lookup(DNS4, 0));
	cc_nft_put_rule(batch, rule_lookup(DNS6, 0));
	for (size_t i = 0; i < sizeof(protos); i++)
		for (size_t j = 0; j < sizeof(dns_ports) / sizeof(dns_ports[0]); j++)
			put_reject(batch, protos[i], dns_ports[j]);
	for (size_t i = 0; i < sizeof(protos); i++) {
		cc_nft_put_rule(batch, rule_lookup(DNSANY4, protos[i]));
		cc_nft_put_rule(batch, rule_lookup(DNSANY6, protos[i]));
	}
}

/* The last address inside the prefix. */
static void prefix_end(const struct cc_egress_rule *rule, uint8_t *end)
{
	unsigned bits = rule->family == AF_INET ? 32 : 128;

	memcpy(end, rule->addr, bits / 8);
	for (unsigned bit = rule->prefix_len; bit < bits; bit++)
		end[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
}

/* An element as a set holds it. Fields are padded to 4 bytes, addresses
 * and ports big-endian, the UID big-endian in interval sets (as the rule's
 * byteorder expression makes it) and host-endian in the others. */
struct keyed {
	uint8_t key[32], key_end[32];
	uint32_t len;
	uint64_t timeout_ms;
};

/* What put_elements sends: `count` elements of some kind; key_of fills
 * `out` when element i belongs in set `only`. */
struct element_list {
	const void *els;
	size_t count;
	bool per_chat;
	bool (*key_of)(const struct element_list *list, size_t i, enum set_id only, struct keyed *out);
};

/* uid [. addr], where key (32 bytes) has room; returns the length so far. */
static size_t key_start(const struct set_shape *shape, uint32_t uid, int family, const uint8_t *addr, uint8_t *key)
{
	size_t n = 0;

	memset(key, 0, 32);
	if (shape->per_chat) {
		uint32_t key_uid = shape->interval ? htonl(uid) : uid;

		memcpy(key, &key_uid, 4);
		n = 4;
	}
	memcpy(key + n, addr, family == AF_INET ? 4 : 16);
	return n + (family == AF_INET ? 4 : 16);
}

/* . proto . port after the address */
static uint32_t key_ports(uint8_t *key, size_t n, uint8_t proto, uint16_t port)
{
	uint16_t port_be = htons(port);

	key[n] = proto;
	memcpy(key + n + 4, &port_be, 2);
	return (uint32_t)(n + 8);
}

static enum set_id set_of(const struct cc_nft_element *el, bool per_chat)
{
	bool v4 = el->rule.family == AF_INET;
	bool single = el->rule.prefix_len == (v4 ? 32 : 128) && el->rule.port_first == el->rule.port_last;

	if (!per_chat)
		return v4 ? SHARED4 : SHARED6;
	if (single)
		return v4 ? EXACT4 : EXACT6;
	return v4 ? ALLOW4 : ALLOW6;
}

static bool rule_key(const struct element_list *list, size_t i, enum set_id only, struct keyed *out)
{
	const struct cc_nft_element *el = (const struct cc_nft_element *)list->els + i;
	const struct set_shape *shape = &set_shapes[only];
	size_t n;

	if (set_of(el, list->per_chat) != only)
		return false;
	n = key_start(shape, el->uid, el->rule.family, el->rule.addr, out->key);
	out->len = key_ports(out->key, n, el->rule.proto, el->rule.port_first);
	if (shape->interval) {
		uint8_t end[16];

		prefix_end(&el->rule, end);
		n = key_start(shape, el->uid, el->rule.family, end, out->key_end);
		key_ports(out->key_end, n, el->rule.proto, el->rule.port_last);
	}
	out->timeout_ms = el->timeout_ms;
	return true;
}

static bool learned_key(const struct element_list *list, size_t i, enum set_id only, struct keyed *out)
{
	const struct cc_nft_learned *el = (const struct cc_nft_learned *)list->els + i;
	bool v4 = el->family == AF_INET;
	enum set_id set = el->any_port ? (v4 ? DNSANY4 : DNSANY6) : (v4 ? DNS4 : DNS6);
	size_t n;

	if (set != only)
		return false;
	n = key_start(&set_shapes[only], el->uid, el->family, el->addr, out->key);
	out->len = el->any_port ? (uint32_t)n : key_ports(out->key, n, el->proto, el->port);
	out->timeout_ms = el->timeout_ms;
	return true;
}

/* Messages of up to ELEMENTS_PER_MESSAGE elements of one set each. */
static void put_elements(struct cc_nft_batch *batch, int type, const struct element_list *list, enum set_id only)
{
	size_t i = 0;

	while (i < list->count) {
		struct nftnl_set *s = nftnl_set_alloc();
		size_t in_message = 0;

		if (!s) {
			cc_nft_batch_oom(batch);
			return;
		}
		nftnl_set_set_str(s, NFTNL_SET_TABLE, CC_NFT_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, set_shapes[only].name);
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
		for (; i < list->count && in_message < ELEMENTS_PER_MESSAGE; i++) {
			struct nftnl_set_elem *e;
			struct keyed k;

			if (!list->key_of(list, i, only, &k))
				continue;
			e = nftnl_set_elem_alloc();
			if (!e) {
				cc_nft_batch_oom(batch);
				break;
			}
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, k.key, k.len);
			if (set_shapes[only].interval)
				nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY_END, k.key_end, k.len);
			if (k.timeout_ms && type == NFT_MSG_NEWSETELEM)
				nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT, k.timeout_ms);
			nftnl_set_elem_add(s, e);
			in_message++;
		}
		if (in_message) {
			struct nlmsghdr *nlh = cc_nft_put_header(batch, type, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0);

			nftnl_set_elems_nlmsg_build_payload(nlh, s);
			cc_nft_batch_update(batch);
		}
		nftnl_set_free(s);
	}
}

static void put_all_sets(struct cc_nft_batch *batch, int type, const struct cc_nft_element *els, size_t count,
			 bool per_chat)
{
	const struct element_list list = {els, count, per_chat, rule_key};

	if (per_chat) {
		for (enum set_id id = EXACT4; id <= ALLOW6; id++)
			put_elements(batch, type, &list, id);
	} else {
		put_elements(batch, type, &list, SHARED4);
		put_elements(batch, type, &list, SHARED6);
	}
}

/* The config's shared entries: egress_allow. dns_servers are the DNS
 * gate's upstreams, not the cells' (put_dns_rules). */
static void put_shared_elements(struct cc_nft_batch *batch, const struct cc_config *config)
{
	struct cc_nft_element els[CC_EGRESS_DEFAULTS_MAX];
	size_t n = 0;

	for (unsigned i = 0; i < config->egress_allow_count; i++)
		els[n++] = (struct cc_nft_element){0, config->egress_allow[i], 0};
	put_all_sets(batch, NFT_MSG_NEWSETELEM, els, n, false);
}

/* IPv6 neighbour discovery into the cell: the host must find the cell's
 * address on the link (ARP is not IP, so IPv4 needs no rule):
 * icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept */
static struct nftnl_rule *rule_neighbour_discovery(void)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, "input");
	uint8_t icmpv6 = IPPROTO_ICMPV6, solicit = 135, advert = 136;

	cc_nft_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &icmpv6, sizeof(icmpv6));
	cc_nft_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_GTE, &solicit, sizeof(solicit));
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_LTE, &advert, sizeof(advert));
	cc_nft_verdict(r, NF_ACCEPT, NULL);
	return r;
}

/* Source routing: a packet with an IPv6 routing header, or an IPv4
 * source-route option, is sent to the first address of its route (the
 * one the allowlist sees) and on from there to others the allowlist
 * never saw; an unprivileged socket may set either (IPV6_RTHDR,
 * IP_OPTIONS). Refused first, for known flows too:
 *   meta nfproto ipv6 exthdr rt exists counter name "rejected" reject with icmpx admin-prohibited
 *   meta nfproto ipv4 ip option lsrr exists (and ssrr) ... the same */
static void put_source_route_rejects(struct cc_nft_batch *batch)
{
	static const struct {
		uint8_t nfproto;
		uint32_t op;
		uint8_t type;
	} routes[] = {{NFPROTO_IPV6, NFT_EXTHDR_OP_IPV6, IPPROTO_ROUTING},
		      {NFPROTO_IPV4, NFT_EXTHDR_OP_IPV4, IPOPT_LSRR},
		      {NFPROTO_IPV4, NFT_EXTHDR_OP_IPV4, IPOPT_SSRR}};
	const uint8_t present = 1;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, "chat");

		cc_nft_meta(r, NFT_META_NFPROTO, NFT_REG_1);
		cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &routes[i].nfproto, sizeof(routes[i].nfproto));
		cc_nft_exthdr_exists(r, routes[i].op, routes[i].type, NFT_REG_1);
		cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &present, sizeof(present));
		cc_nft_counter_ref(r, CC_NFT_COUNTER);
		cc_nft_reject(r, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
		cc_nft_put_rule(batch, r);
	}
}

/* Group memberships: when a chat joins a multicast group, the kernel
 * reports it (IGMP, MLD) with addresses the chat chose, from no socket of
 * the chat's, so past the "chat" chain; the cell needs no multicast.
 *   meta l4proto igmp counter drop
 *   meta l4proto ipv6-icmp icmpv6 type 130-132 counter drop (MLD query, report, done)
 *   meta l4proto ipv6-icmp icmpv6 type 143 counter drop (MLDv2 report) */
static void put_multicast_drops(struct cc_nft_batch *batch)
{
	static const struct {
		uint8_t proto, first, last;
	} reports[] = {{IPPROTO_IGMP, 0, 0}, {IPPROTO_ICMPV6, 130, 132}, {IPPROTO_ICMPV6, 143, 143}};

	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, "output");

		match_l4proto(r, reports[i].proto);
		if (reports[i].last) {
			cc_nft_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
			cc_nft_cmp(r, NFT_REG_1, NFT_CMP_GTE, &reports[i].first, sizeof(reports[i].first));
			cc_nft_cmp(r, NFT_REG_1, NFT_CMP_LTE, &reports[i].last, sizeof(reports[i].last));
		}
		cc_nft_counter(r);
		cc_nft_verdict(r, NF_DROP, NULL);
		cc_nft_put_rule(batch, r);
	}
}

/* Everything of the table after its creation. */
static void put_policy(struct cc_nft_batch *batch, const struct cc_config *config)
{
	static const struct cc_nft_hook output = {NF_INET_LOCAL_OUT, 0, "filter", NF_ACCEPT};
	static const struct cc_nft_hook input = {NF_INET_LOCAL_IN, 0, "filter", NF_DROP};
	static const struct cc_nft_hook raw_output = {NF_INET_LOCAL_OUT, PRIORITY_RAW, "filter", NF_ACCEPT};

	for (enum set_id id = EXACT4; id <= DNSANY6; id++)
		put_set(batch, id);
	cc_nft_put_counter(batch, CC_NFT_TABLE, CC_NFT_COUNTER);
	cc_nft_put_counter(batch, CC_NFT_TABLE, CC_NFT_CAP_COUNTER);
	cc_nft_put_counter(batch, CC_NFT_TABLE, CC_NFT_DNS_FLOOD_COUNTER);
	cc_nft_put_limit_over(batch, CC_NFT_TABLE, CC_NFT_DNS_PACKETS, cc_dns_packets_per_second(config),
			      cc_dns_packets_burst(config));
	cc_nft_put_tcp_closed_timeout(batch, CC_NFT_TABLE, CC_NFT_TCP_TIMEOUT, CC_CLOSED_FLOW_SECONDS);
	if (config->connections_max)
		cc_nft_put_limit_over(batch, CC_NFT_TABLE, CC_NFT_RATE_LIMIT, cc_new_flows_per_second(config),
				      cc_new_flows_burst(config));
	cc_nft_put_chain(batch, CC_NFT_TABLE, "chat", NULL);
	cc_nft_put_chain(batch, CC_NFT_TABLE, "output", &output);
	cc_nft_put_chain(batch, CC_NFT_TABLE, "input", &input);
	cc_nft_put_chain(batch, CC_NFT_TABLE, "raw_output", &raw_output);
	put_capped_chain(batch);
	put_admit_chain(batch, config);
	cc_nft_put_rule(batch, rule_loopback_untracked());
	put_source_route_rejects(batch);
	put_gate_flood_rules(batch);
	cc_nft_put_rule(batch, rule_established("chat"));
	put_gate_rules(batch, config);
	for (enum set_id id = EXACT4; id <= SHARED6; id++)
		cc_nft_put_rule(batch, rule_lookup(id, 0));
	put_dns_rules(batch);
	put_reject(batch, IPPROTO_TCP, 0);
	put_reject(batch, 0, 0);
	cc_nft_put_rule(batch, rule_loopback("output", NFT_META_OIF));
	put_multicast_drops(batch);
	cc_nft_put_rule(batch, rule_chat_uids(config));
	cc_nft_put_rule(batch, rule_loopback("input", NFT_META_IIF));
	cc_nft_put_rule(batch, rule_established("input"));
	cc_nft_put_rule(batch, rule_neighbour_discovery());
	put_shared_elements(batch, config);
}

void cc_nft_batch_replace_table(struct cc_nft_batch *batch, const struct cc_config *config)
{
	cc_nft_put_fresh_table(batch, CC_NFT_TABLE);
	put_policy(batch, config);
}

void cc_nft_batch_new_table(struct cc_nft_batch *batch, const struct cc_config *config)
{
	cc_nft_put_new_table(batch, CC_NFT_TABLE);
	put_policy(batch, config);
}

void cc_nft_batch_add(struct cc_nft_batch *batch, const struct cc_nft_element *elements, size_t count)
{
	put_all_sets(batch, NFT_MSG_NEWSETELEM, elements, count, true);
}

void cc_nft_batch_remove(struct cc_nft_batch *batch, const struct cc_nft_element *elements, size_t count)
{
	put_all_sets(batch, NFT_MSG_NEWSETELEM, elements, count, true);
	put_all_sets(batch, NFT_MSG_DELSETELEM, elements, count, true);
}

static void put_learned(struct cc_nft_batch *batch, int type, const struct cc_nft_learned *els, size_t count)
{
	const struct element_list list = {els, count, true, learned_key};

	for (enum set_id id = DNS4; id <= DNSANY6; id++)
		put_elements(batch, type, &list, id);
}

void cc_nft_batch_learn(struct cc_nft_batch *batch, const struct cc_nft_learned *els, size_t count)
{
	put_learned(batch, NFT_MSG_NEWSETELEM, els, count);
}

void cc_nft_batch_unlearn(struct cc_nft_batch *batch, const struct cc_nft_learned *els, size_t count)
{
	put_learned(batch, NFT_MSG_DELSETELEM, els, count);
}

/* A DELSETELEM without elements flushes the set. */
void cc_nft_batch_forget_learned(struct cc_nft_batch *batch)
{
	for (enum set_id id = DNS4; id <= DNSANY6; id++) {
		struct nftnl_set *s = nftnl_set_alloc();
		struct nlmsghdr *nlh;

		if (!s) {
			cc_nft_batch_oom(batch);
			return;
		}
		nftnl_set_set_str(s, NFTNL_SET_TABLE, CC_NFT_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, set_shapes[id].name);
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
		nlh = cc_nft_put_header(batch, NFT_MSG_DELSETELEM, 0);
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
		nftnl_set_free(s);
		cc_nft_batch_update(batch);
	}
}

static bool ranges_meet(const uint8_t *a_lo, const uint8_t *a_hi, const uint8_t *b_lo, const uint8_t *b_hi,
			size_t len)
{
	return memcmp(a_lo, b_hi, len) <= 0 && memcmp(b_lo, a_hi, len) <= 0;
}

bool cc_nft_rules_overlap(const struct cc_egress_rule *a, const struct cc_egress_rule *b)
{
	uint8_t a_end[16], b_end[16];
	size_t len = a->family == AF_INET ? 4 : 16;

	if (a->family != b->family || a->proto != b->proto || a->port_last < b->port_first ||
	    b->port_last < a->port_first)
		return false;
	prefix_end(a, a_end);
	prefix_end(b, b_end);
	return ranges_meet(a->addr, a_end, b->addr, b_end, len);
}
