/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/egress_nft.h"
#include "egress/nft_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/object.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* nft's datatype ids, concatenated 6 bits each: what `nft list` shows. */
#define TYPE_UID 24
#define TYPE_IPV4 7
#define TYPE_IPV6 8
#define TYPE_PROTO 12
#define TYPE_SERVICE 13
#define CONCAT2(a, b) (((a) << 6) | (b))

/* Batch pages (more are chained as a batch grows), and room for the
 * largest message that may start near a page's end: small enough that a
 * one-element change costs no large allocation. */
#define BATCH_PAGE (32 * 1024)
#define BATCH_PAGE_OVERRUN (48 * 1024)
#define RECEIVE_BUFFER 32768

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

struct cc_nft_batch {
	struct nftnl_batch *b;
	uint32_t seq;
	uint32_t first_seq;
	bool oom;
};

struct cc_nft_batch *cc_nft_batch_new(void)
{
	struct cc_nft_batch *batch = calloc(1, sizeof(*batch));

	if (!batch)
		return NULL;
	batch->b = nftnl_batch_alloc(BATCH_PAGE, BATCH_PAGE_OVERRUN);
	if (!batch->b) {
		free(batch);
		return NULL;
	}
	batch->seq = batch->first_seq = 1;
	nftnl_batch_begin(nftnl_batch_buffer(batch->b), batch->seq++);
	nftnl_batch_update(batch->b);
	return batch;
}

void cc_nft_batch_free(struct cc_nft_batch *batch)
{
	if (!batch)
		return;
	nftnl_batch_free(batch->b);
	free(batch);
}

/* Start one message of the batch; every message asks for an answer, so the
 * commit knows exactly how many to read. */
static struct nlmsghdr *put_header(struct cc_nft_batch *batch, int type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(batch->b), (uint16_t)type, NFPROTO_INET, flags | NLM_F_ACK,
				     batch->seq++);
}

static void put_table(struct cc_nft_batch *batch, int type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t) {
		batch->oom = true;
		return;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, CC_NFT_TABLE);
	nlh = put_header(batch, type, flags);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	nftnl_batch_update(batch->b);
}

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
		batch->oom = true;
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
	nlh = put_header(batch, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	nftnl_batch_update(batch->b);
}

static void put_counter(struct cc_nft_batch *batch)
{
	struct nftnl_obj *o = nftnl_obj_alloc();
	struct nlmsghdr *nlh;

	if (!o) {
		batch->oom = true;
		return;
	}
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, CC_NFT_TABLE);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, CC_NFT_COUNTER);
	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, NFPROTO_INET);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, NFT_OBJECT_COUNTER);
	nlh = put_header(batch, NFT_MSG_NEWOBJ, NLM_F_CREATE);
	nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	nftnl_batch_update(batch->b);
}

static void put_chain(struct cc_nft_batch *batch, const char *name, bool hooked)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c) {
		batch->oom = true;
		return;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, CC_NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	if (hooked) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_OUT);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = put_header(batch, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	nftnl_batch_update(batch->b);
}

/* Expression helpers: each appends one expression to the rule. */
static void add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (e)
		nftnl_rule_add_expr(r, e);
}

static void meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	}
	add_expr(r, e);
}

/* meta skuid is host-endian; sets and ranges compare big-endian bytes. */
static void to_big_endian_u32(struct nftnl_rule *r, uint32_t reg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("byteorder");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_DREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, 4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, 4);
	}
	add_expr(r, e);
}

static void cmp(struct nftnl_rule *r, uint32_t reg, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	add_expr(r, e);
}

static void payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	}
	add_expr(r, e);
}

static void verdict(struct nftnl_rule *r, int code, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)code);
		if (chain)
			nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	}
	add_expr(r, e);
}

static void lookup(struct nftnl_rule *r, enum set_id id, uint32_t sreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set_shapes[id].name);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, (uint32_t)id);
	}
	add_expr(r, e);
}

static void reject(struct nftnl_rule *r, uint32_t type, uint8_t code)
{
	struct nftnl_expr *e = nftnl_expr_alloc("reject");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, type);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
	}
	add_expr(r, e);
}

static struct nftnl_rule *new_rule(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r) {
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, CC_NFT_TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	}
	return r;
}

static void put_rule(struct cc_nft_batch *batch, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh;

	if (!r) {
		batch->oom = true;
		return;
	}
	nlh = put_header(batch, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	nftnl_batch_update(batch->b);
}

/* meta skuid <min>-<max> jump chat */
static struct nftnl_rule *rule_chat_uids(const struct cc_config *config)
{
	struct nftnl_rule *r = new_rule("output");
	uint32_t lo = htonl(config->uid_min), hi = htonl(config->uid_max);

	if (!r)
		return NULL;
	meta(r, NFT_META_SKUID, NFT_REG_1);
	to_big_endian_u32(r, NFT_REG_1);
	cmp(r, NFT_REG_1, NFT_CMP_GTE, &lo, sizeof(lo));
	cmp(r, NFT_REG_1, NFT_CMP_LTE, &hi, sizeof(hi));
	verdict(r, NFT_JUMP, "chat");
	return r;
}

/* ct state established,related accept */
static struct nftnl_rule *rule_established(void)
{
	struct nftnl_rule *r = new_rule("chat");
	struct nftnl_expr *ct, *bitwise;
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED), zero = 0;

	if (!r)
		return NULL;
	ct = nftnl_expr_alloc("ct");
	if (ct) {
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	add_expr(r, ct);
	bitwise = nftnl_expr_alloc("bitwise");
	if (bitwise) {
		nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
		nftnl_expr_set(bitwise, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
		nftnl_expr_set(bitwise, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero));
	}
	add_expr(r, bitwise);
	cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, sizeof(zero));
	verdict(r, NF_ACCEPT, NULL);
	return r;
}

/* [meta skuid .] ip[6] daddr . meta l4proto . th dport @set accept */
static struct nftnl_rule *rule_lookup(enum set_id id)
{
	const struct set_shape *shape = &set_shapes[id];
	struct nftnl_rule *r = new_rule("chat");
	bool v4 = shape->family == AF_INET;
	uint8_t nfproto = v4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
	uint32_t reg = NFT_REG32_00;

	if (!r)
		return NULL;
	meta(r, NFT_META_NFPROTO, NFT_REG_1);
	cmp(r, NFT_REG_1, NFT_CMP_EQ, &nfproto, sizeof(nfproto));
	if (shape->per_chat) {
		meta(r, NFT_META_SKUID, reg);
		if (shape->interval) /* interval keys compare big-endian bytes */
			to_big_endian_u32(r, reg);
		reg++;
	}
	/* destination address: IPv4 header offset 16, IPv6 offset 24 */
	payload(r, NFT_PAYLOAD_NETWORK_HEADER, v4 ? 16 : 24, v4 ? 4 : 16, reg);
	reg += v4 ? 1 : 4;
	meta(r, NFT_META_L4PROTO, reg++);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg); /* destination port */
	lookup(r, id, NFT_REG32_00);
	verdict(r, NF_ACCEPT, NULL);
	return r;
}

/* counter name "rejected", then the two rejects */
static void put_reject_rules(struct cc_nft_batch *batch)
{
	struct nftnl_rule *r = new_rule("chat");
	struct nftnl_expr *objref = nftnl_expr_alloc("objref");
	uint8_t tcp = IPPROTO_TCP;

	if (r && objref) {
		nftnl_expr_set_u32(objref, NFTNL_EXPR_OBJREF_IMM_TYPE, NFT_OBJECT_COUNTER);
		nftnl_expr_set_str(objref, NFTNL_EXPR_OBJREF_IMM_NAME, CC_NFT_COUNTER);
		nftnl_rule_add_expr(r, objref);
	} else if (objref) {
		nftnl_expr_free(objref);
	}
	put_rule(batch, r);
	r = new_rule("chat");
	if (r) {
		meta(r, NFT_META_L4PROTO, NFT_REG_1);
		cmp(r, NFT_REG_1, NFT_CMP_EQ, &tcp, sizeof(tcp));
		reject(r, NFT_REJECT_TCP_RST, 0);
	}
	put_rule(batch, r);
	r = new_rule("chat");
	if (r)
		reject(r, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
	put_rule(batch, r);
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
			batch->oom = true;
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
				batch->oom = true;
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
			struct nlmsghdr *nlh = put_header(batch, type, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0);

			nftnl_set_elems_nlmsg_build_payload(nlh, s);
			nftnl_batch_update(batch->b);
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

/* The config's shared entries: DNS servers (udp and tcp 53) and egress_allow. */
static void put_shared_elements(struct cc_nft_batch *batch, const struct cc_config *config)
{
	struct cc_nft_element els[CC_EGRESS_DEFAULTS_MAX + 2 * CC_DNS_SERVERS_MAX];
	size_t n = 0;

	for (unsigned i = 0; i < config->egress_allow_count; i++)
		els[n++] = (struct cc_nft_element){0, config->egress_allow[i], 0};
	for (unsigned i = 0; i < config->dns_server_count; i++) {
		struct cc_egress_rule dns = config->dns_servers[i];

		dns.proto = IPPROTO_UDP;
		els[n++] = (struct cc_nft_element){0, dns, 0};
		dns.proto = IPPROTO_TCP;
		els[n++] = (struct cc_nft_element){0, dns, 0};
	}
	put_all_sets(batch, NFT_MSG_NEWSETELEM, els, n, false);
}

void cc_nft_batch_replace_table(struct cc_nft_batch *batch, const struct cc_config *config)
{
	/* Create-then-delete makes the delete succeed whether or not the table
	 * exists; the transaction then builds it anew. */
	put_table(batch, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	put_table(batch, NFT_MSG_DELTABLE, 0);
	put_table(batch, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	for (enum set_id id = EXACT4; id <= SHARED6; id++)
		put_set(batch, id);
	put_counter(batch);
	put_chain(batch, "chat", false);
	put_chain(batch, "output", true);
	put_rule(batch, rule_established());
	for (enum set_id id = EXACT4; id <= SHARED6; id++)
		put_rule(batch, rule_lookup(id));
	put_reject_rules(batch);
	put_rule(batch, rule_chat_uids(config));
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

/* Read every answer; remember the first error. All answers are queued by
 * the time sendmsg returns (the kernel handles a batch synchronously). */
static int collect_answers(struct mnl_socket *nl, uint32_t expected, int *first_error)
{
	char buf[RECEIVE_BUFFER];
	uint32_t seen = 0;

	*first_error = 0;
	while (seen < expected) {
		ssize_t got = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int len = (int)got;

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (e->error && !*first_error)
					*first_error = -e->error;
				seen++;
			}
		}
	}
	return 0;
}

int cc_nft_batch_commit(struct cc_nft_batch *batch, int *kernel_errno, struct cc_err *err)
{
	struct mnl_socket *nl;
	struct iovec *iov;
	struct msghdr msg;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	uint32_t expected = batch->seq - batch->first_seq - 1;
	int iov_len, size, rc = -1;

	*kernel_errno = 0;
	if (batch->oom)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "building the nftables batch");
	nftnl_batch_end(nftnl_batch_buffer(batch->b), batch->seq);
	nftnl_batch_update(batch->b);
	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		*kernel_errno = errno;
		rc = cc_nft_kernel_error(errno, err);
		goto out;
	}
	/* Answers carry only the header of their message, not a copy of it,
	 * and there is room for all of them (each is a ~1 KiB buffer). */
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &(int){1}, sizeof(int));
	size = (int)expected * 1024 + 64 * 1024;
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	iov_len = nftnl_batch_iovec_len(batch->b);
	iov = calloc((size_t)iov_len, sizeof(*iov));
	if (!iov) {
		rc = cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "sending the nftables batch");
		goto out;
	}
	nftnl_batch_iovec(batch->b, iov, (uint32_t)iov_len);
	/* A large batch goes in one sendmsg: make room for it. */
	size = 0;
	for (int i = 0; i < iov_len; i++)
		size += (int)iov[i].iov_len;
	size += 64 * 1024;
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &kernel;
	msg.msg_namelen = sizeof(kernel);
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)iov_len;
	if (sendmsg(mnl_socket_get_fd(nl), &msg, 0) < 0 || collect_answers(nl, expected, kernel_errno) < 0) {
		*kernel_errno = errno;
		rc = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot talk to nftables over netlink");
	} else if (*kernel_errno) {
		rc = cc_nft_kernel_error(*kernel_errno, err);
	} else {
		rc = 0;
	}
	free(iov);
out:
	if (nl)
		mnl_socket_close(nl);
	return rc;
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
