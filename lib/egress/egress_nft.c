/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/egress_nft.h"
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

enum set_id { EXACT4 = 1, EXACT6, ALLOW4, ALLOW6, SHARED4, SHARED6 };

static const struct set_shape {
	const char *name;
	int family;
	bool per_chat;
	bool interval;
} set_shapes[] = {
	[EXACT4] = {"exact4", AF_INET, true, false},   [EXACT6] = {"exact6", AF_INET6, true, false},
	[ALLOW4] = {"allow4", AF_INET, true, true},    [ALLOW6] = {"allow6", AF_INET6, true, true},
	[SHARED4] = {"shared4", AF_INET, false, true}, [SHARED6] = {"shared6", AF_INET6, false, true},
};

static void put_set(struct cc_nft_batch *batch, enum set_id id)
{
	const struct set_shape *shape = &set_shapes[id];
	int addr_type = shape->family == AF_INET ? TYPE_IPV4 : TYPE_IPV6;
	uint8_t addr_len = shape->family == AF_INET ? 4 : 16;
	uint8_t fields[4];
	uint32_t key_type = CONCAT2(CONCAT2(addr_type, TYPE_PROTO), TYPE_SERVICE);
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
		key_type |= (uint32_t)TYPE_UID << 18;
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
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, (shape->per_chat ? 4u : 0u) + addr_len + 4 + 4);
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

/* [meta skuid .] ip[6] daddr . meta l4proto . th dport @set accept */
static struct nftnl_rule *rule_lookup(enum set_id id)
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
	if (shape->per_chat) {
		cc_nft_meta(r, NFT_META_SKUID, reg);
		if (shape->interval) /* interval keys compare big-endian bytes */
			cc_nft_to_big_endian_u32(r, reg);
		reg++;
	}
	/* destination address: IPv4 header offset 16, IPv6 offset 24 */
	cc_nft_payload(r, NFT_PAYLOAD_NETWORK_HEADER, v4 ? 16 : 24, v4 ? 4 : 16, reg);
	reg += v4 ? 1 : 4;
	cc_nft_meta(r, NFT_META_L4PROTO, reg++);
	cc_nft_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg); /* destination port */
	lookup(r, id, NFT_REG32_00);
	cc_nft_verdict(r, NF_ACCEPT, NULL);
	return r;
}

/* counter name "rejected", then the two rejects */
static void put_reject_rules(struct cc_nft_batch *batch)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_NFT_TABLE, "chat");
	uint8_t tcp = IPPROTO_TCP;

	cc_nft_counter_ref(r, CC_NFT_COUNTER);
	cc_nft_put_rule(batch, r);
	r = cc_nft_new_rule(CC_NFT_TABLE, "chat");
	cc_nft_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &tcp, sizeof(tcp));
	cc_nft_reject(r, NFT_REJECT_TCP_RST, 0);
	cc_nft_put_rule(batch, r);
	r = cc_nft_new_rule(CC_NFT_TABLE, "chat");
	cc_nft_reject(r, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
	cc_nft_put_rule(batch, r);
}

/* The last address inside the prefix. */
static void prefix_end(const struct cc_egress_rule *rule, uint8_t *end)
{
	unsigned bits = rule->family == AF_INET ? 32 : 128;

	memcpy(end, rule->addr, bits / 8);
	for (unsigned bit = rule->prefix_len; bit < bits; bit++)
		end[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
}

/* Key (or key end) of an element: fields padded to 4 bytes, addresses and
 * ports big-endian, the UID big-endian in interval sets (as the rule's
 * byteorder expression makes it) and host-endian in the exact sets. */
static size_t element_key(const struct cc_nft_element *el, const struct set_shape *shape, bool end, uint8_t *key)
{
	size_t addr_len = el->rule.family == AF_INET ? 4 : 16, n = 0;
	uint16_t port = htons(end ? el->rule.port_last : el->rule.port_first);

	memset(key, 0, 32);
	if (shape->per_chat) {
		uint32_t uid = shape->interval ? htonl(el->uid) : el->uid;

		memcpy(key, &uid, 4);
		n = 4;
	}
	if (end)
		prefix_end(&el->rule, key + n);
	else
		memcpy(key + n, el->rule.addr, addr_len);
	n += addr_len;
	key[n] = el->rule.proto;
	n += 4;
	memcpy(key + n, &port, 2);
	return n + 4;
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

/* Messages of up to ELEMENTS_PER_MESSAGE elements of one set each. */
static void put_elements(struct cc_nft_batch *batch, int type, const struct cc_nft_element *els, size_t count,
			 bool per_chat, enum set_id only)
{
	size_t i = 0;

	while (i < count) {
		struct nftnl_set *s = nftnl_set_alloc();
		size_t in_message = 0;

		if (!s) {
			cc_nft_batch_oom(batch);
			return;
		}
		nftnl_set_set_str(s, NFTNL_SET_TABLE, CC_NFT_TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, set_shapes[only].name);
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
		for (; i < count && in_message < ELEMENTS_PER_MESSAGE; i++) {
			struct nftnl_set_elem *e;
			uint8_t key[32];
			size_t len;

			if (set_of(&els[i], per_chat) != only)
				continue;
			e = nftnl_set_elem_alloc();
			if (!e) {
				cc_nft_batch_oom(batch);
				break;
			}
			len = element_key(&els[i], &set_shapes[only], false, key);
			nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, (uint32_t)len);
			if (set_shapes[only].interval) {
				uint8_t key_end[32];

				element_key(&els[i], &set_shapes[only], true, key_end);
				nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY_END, key_end, (uint32_t)len);
			}
			if (els[i].timeout_ms && type == NFT_MSG_NEWSETELEM)
				nftnl_set_elem_set_u64(e, NFTNL_SET_ELEM_TIMEOUT, els[i].timeout_ms);
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
	if (per_chat) {
		for (enum set_id id = EXACT4; id <= ALLOW6; id++)
			put_elements(batch, type, els, count, true, id);
	} else {
		put_elements(batch, type, els, count, false, SHARED4);
		put_elements(batch, type, els, count, false, SHARED6);
	}
}

/* The config's shared entries: DNS servers (udp and tcp 53) and
 * egress_allow. A server on the host's loopback is reached from a cell
 * through its gateway, which the host's part forwards to it. */
static void put_shared_elements(struct cc_nft_batch *batch, const struct cc_config *config)
{
	static const uint8_t gateway[4] = CC_CELL_GATEWAY4;
	struct cc_nft_element els[CC_EGRESS_DEFAULTS_MAX + 2 * CC_DNS_SERVERS_MAX];
	size_t n = 0;
	bool gateway_added = false;

	for (unsigned i = 0; i < config->egress_allow_count; i++)
		els[n++] = (struct cc_nft_element){0, config->egress_allow[i], 0};
	for (unsigned i = 0; i < config->dns_server_count; i++) {
		struct cc_egress_rule dns = config->dns_servers[i];

		if (dns.family == AF_INET && dns.addr[0] == 127) {
			if (gateway_added)
				continue;
			gateway_added = true;
			memcpy(dns.addr, gateway, sizeof(gateway));
		}
		dns.proto = IPPROTO_UDP;
		els[n++] = (struct cc_nft_element){0, dns, 0};
		dns.proto = IPPROTO_TCP;
		els[n++] = (struct cc_nft_element){0, dns, 0};
	}
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

void cc_nft_batch_replace_table(struct cc_nft_batch *batch, const struct cc_config *config)
{
	static const struct cc_nft_hook output = {NF_INET_LOCAL_OUT, 0, "filter", NF_ACCEPT};
	static const struct cc_nft_hook input = {NF_INET_LOCAL_IN, 0, "filter", NF_DROP};

	cc_nft_put_fresh_table(batch, CC_NFT_TABLE);
	for (enum set_id id = EXACT4; id <= SHARED6; id++)
		put_set(batch, id);
	cc_nft_put_counter(batch, CC_NFT_TABLE, CC_NFT_COUNTER);
	cc_nft_put_chain(batch, CC_NFT_TABLE, "chat", NULL);
	cc_nft_put_chain(batch, CC_NFT_TABLE, "output", &output);
	cc_nft_put_chain(batch, CC_NFT_TABLE, "input", &input);
	cc_nft_put_rule(batch, rule_established("chat"));
	for (enum set_id id = EXACT4; id <= SHARED6; id++)
		cc_nft_put_rule(batch, rule_lookup(id));
	put_reject_rules(batch);
	cc_nft_put_rule(batch, rule_loopback("output", NFT_META_OIF));
	cc_nft_put_rule(batch, rule_chat_uids(config));
	cc_nft_put_rule(batch, rule_loopback("input", NFT_META_IIF));
	cc_nft_put_rule(batch, rule_established("input"));
	cc_nft_put_rule(batch, rule_neighbour_discovery());
	put_shared_elements(batch, config);
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
