/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/nft_batch.h"
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
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/netns_socket.h"

/* Batch pages (more are chained as a batch grows), and room for the
 * largest message that may start near a page's end: small enough that a
 * one-element change costs no large allocation. */
#define BATCH_PAGE (32 * 1024)
#define BATCH_PAGE_OVERRUN (48 * 1024)
#define RECEIVE_BUFFER 32768

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

void cc_nft_batch_update(struct cc_nft_batch *batch)
{
	nftnl_batch_update(batch->b);
}

void cc_nft_batch_oom(struct cc_nft_batch *batch)
{
	batch->oom = true;
}

/* Every message asks for an answer, so the commit knows exactly how many
 * to read. */
struct nlmsghdr *cc_nft_put_header(struct cc_nft_batch *batch, int type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(nftnl_batch_buffer(batch->b), (uint16_t)type, NFPROTO_INET, flags | NLM_F_ACK,
				     batch->seq++);
}

void cc_nft_put_table(struct cc_nft_batch *batch, const char *name, int type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t) {
		batch->oom = true;
		return;
	}
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	nlh = cc_nft_put_header(batch, type, flags);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	nftnl_batch_update(batch->b);
}

void cc_nft_put_fresh_table(struct cc_nft_batch *batch, const char *table)
{
	cc_nft_put_table(batch, table, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	cc_nft_put_table(batch, table, NFT_MSG_DELTABLE, 0);
	cc_nft_put_table(batch, table, NFT_MSG_NEWTABLE, NLM_F_CREATE);
}

void cc_nft_put_new_table(struct cc_nft_batch *batch, const char *table)
{
	cc_nft_put_table(batch, table, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
}

/* A new stateful object of `type` named `name` in `table`, for the caller
 * to fill; NULL (the batch then fails) without memory. */
static struct nftnl_obj *new_object(struct cc_nft_batch *batch, const char *table, const char *name, uint32_t type)
{
	struct nftnl_obj *o = nftnl_obj_alloc();

	if (!o) {
		batch->oom = true;
		return NULL;
	}
	nftnl_obj_set_str(o, NFTNL_OBJ_TABLE, table);
	nftnl_obj_set_str(o, NFTNL_OBJ_NAME, name);
	nftnl_obj_set_u32(o, NFTNL_OBJ_FAMILY, NFPROTO_INET);
	nftnl_obj_set_u32(o, NFTNL_OBJ_TYPE, type);
	return o;
}

static void put_object(struct cc_nft_batch *batch, struct nftnl_obj *o)
{
	struct nlmsghdr *nlh = cc_nft_put_header(batch, NFT_MSG_NEWOBJ, NLM_F_CREATE);

	nftnl_obj_nlmsg_build_payload(nlh, o);
	nftnl_obj_free(o);
	nftnl_batch_update(batch->b);
}

void cc_nft_put_counter(struct cc_nft_batch *batch, const char *table, const char *name)
{
	struct nftnl_obj *o = new_object(batch, table, name, NFT_OBJECT_COUNTER);

	if (o)
		put_object(batch, o);
}

static void put_ct_timeout(struct cc_nft_batch *batch, const char *table, const char *name, uint8_t l4proto,
			   const uint32_t timeouts[NFTNL_CTTIMEOUT_ARRAY_MAX])
{
	struct nftnl_obj *o = new_object(batch, table, name, NFT_OBJECT_CT_TIMEOUT);

	if (!o)
		return;
	/* The kernel ignores the family when it applies the object: one
	 * object serves IPv4 and IPv6 flows. */
	nftnl_obj_set_u16(o, NFTNL_OBJ_CT_TIMEOUT_L3PROTO, NFPROTO_IPV4);
	nftnl_obj_set_u8(o, NFTNL_OBJ_CT_TIMEOUT_L4PROTO, l4proto);
	nftnl_obj_set_data(o, NFTNL_OBJ_CT_TIMEOUT_ARRAY, timeouts, sizeof(uint32_t) * NFTNL_CTTIMEOUT_ARRAY_MAX);
	put_object(batch, o);
}

void cc_nft_put_udp4_timeout(struct cc_nft_batch *batch, const char *table, const char *name, uint32_t seconds)
{
	uint32_t timeouts[NFTNL_CTTIMEOUT_ARRAY_MAX] = {0};

	timeouts[NFTNL_CTTIMEOUT_UDP_UNREPLIED] = seconds;
	timeouts[NFTNL_CTTIMEOUT_UDP_REPLIED] = seconds;
	put_ct_timeout(batch, table, name, IPPROTO_UDP, timeouts);
}

void cc_nft_put_tcp_closed_timeout(struct cc_nft_batch *batch, const char *table, const char *name,
				   uint32_t seconds)
{
	/* libnftnl sends every state, and the kernel takes a 0 as 0 s: the
	 * other states get the kernel's defaults (nf_conntrack_proto_tcp.c). */
	uint32_t timeouts[NFTNL_CTTIMEOUT_ARRAY_MAX] = {
		[NFTNL_CTTIMEOUT_TCP_SYN_SENT] = 120,	 [NFTNL_CTTIMEOUT_TCP_SYN_RECV] = 60,
		[NFTNL_CTTIMEOUT_TCP_ESTABLISHED] = 432000, [NFTNL_CTTIMEOUT_TCP_FIN_WAIT] = 120,
		[NFTNL_CTTIMEOUT_TCP_CLOSE_WAIT] = 60,	 [NFTNL_CTTIMEOUT_TCP_LAST_ACK] = 30,
		[NFTNL_CTTIMEOUT_TCP_TIME_WAIT] = seconds, [NFTNL_CTTIMEOUT_TCP_CLOSE] = seconds,
		[NFTNL_CTTIMEOUT_TCP_SYN_SENT2] = 120,	 [NFTNL_CTTIMEOUT_TCP_RETRANS] = 300,
		[NFTNL_CTTIMEOUT_TCP_UNACK] = 300,
	};

	put_ct_timeout(batch, table, name, IPPROTO_TCP, timeouts);
}

void cc_nft_put_limit_over(struct cc_nft_batch *batch, const char *table, const char *name, uint64_t per_second,
			   uint32_t burst)
{
	struct nftnl_obj *o = new_object(batch, table, name, NFT_OBJECT_LIMIT);

	if (!o)
		return;
	nftnl_obj_set_u64(o, NFTNL_OBJ_LIMIT_RATE, per_second);
	nftnl_obj_set_u64(o, NFTNL_OBJ_LIMIT_UNIT, 1);
	nftnl_obj_set_u32(o, NFTNL_OBJ_LIMIT_BURST, burst);
	nftnl_obj_set_u32(o, NFTNL_OBJ_LIMIT_TYPE, NFT_LIMIT_PKTS);
	nftnl_obj_set_u32(o, NFTNL_OBJ_LIMIT_FLAGS, NFT_LIMIT_F_INV);
	put_object(batch, o);
}

void cc_nft_put_chain(struct cc_nft_batch *batch, const char *table, const char *name, const struct cc_nft_hook *hook)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c) {
		batch->oom = true;
		return;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	if (hook) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook->hooknum);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, hook->priority);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, hook->type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, hook->policy);
	}
	nlh = cc_nft_put_header(batch, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	nftnl_batch_update(batch->b);
}

/* A rule that lost an expression to a failed allocation must never be
 * sent (without its match, an accept would accept everything): the rule
 * being built notes it here, and put_rule fails the batch. Rules are built
 * and put one at a time by one thread. */
static __thread bool expression_lost;

struct nftnl_rule *cc_nft_new_rule(const char *table, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r) {
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	}
	return r;
}

void cc_nft_put_rule(struct cc_nft_batch *batch, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh;

	if (!r || expression_lost) {
		expression_lost = false;
		batch->oom = true;
		if (r)
			nftnl_rule_free(r);
		return;
	}
	nlh = cc_nft_put_header(batch, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	nftnl_batch_update(batch->b);
}

void cc_nft_add_expr(struct nftnl_rule *r, struct nftnl_expr *e)
{
	if (e)
		nftnl_rule_add_expr(r, e);
	else if (r)
		expression_lost = true;
}

void cc_nft_notrack(struct nftnl_rule *r)
{
	cc_nft_add_expr(r, r ? nftnl_expr_alloc("notrack") : NULL);
}

void cc_nft_ct_count_over(struct nftnl_rule *r, uint32_t count)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("connlimit") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CONNLIMIT_COUNT, count);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CONNLIMIT_FLAGS, NFT_CONNLIMIT_F_INV);
	}
	cc_nft_add_expr(r, e);
}

void cc_nft_exthdr_exists(struct nftnl_rule *r, uint32_t op, uint8_t type, uint32_t dreg)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("exthdr") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, op);
		nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, type);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, 0);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, 1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_FLAGS, NFT_EXTHDR_F_PRESENT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_DREG, dreg);
	}
	cc_nft_add_expr(r, e);
}

void cc_nft_counter(struct nftnl_rule *r)
{
	cc_nft_add_expr(r, r ? nftnl_expr_alloc("counter") : NULL);
}

void cc_nft_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("meta") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	}
	cc_nft_add_expr(r, e);
}

/* meta skuid is host-endian; sets and ranges compare big-endian bytes. */
void cc_nft_to_big_endian_u32(struct nftnl_rule *r, uint32_t reg)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("byteorder") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_DREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_OP, NFT_BYTEORDER_HTON);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_LEN, 4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BYTEORDER_SIZE, 4);
	}
	cc_nft_add_expr(r, e);
}

void cc_nft_cmp(struct nftnl_rule *r, uint32_t reg, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("cmp") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	cc_nft_add_expr(r, e);
}

void cc_nft_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("payload") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	}
	cc_nft_add_expr(r, e);
}

void cc_nft_verdict(struct nftnl_rule *r, int code, const char *chain)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("immediate") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)code);
		if (chain)
			nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	}
	cc_nft_add_expr(r, e);
}

void cc_nft_reject(struct nftnl_rule *r, uint32_t type, uint8_t code)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("reject") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, type);
		nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
	}
	cc_nft_add_expr(r, e);
}

static void object_ref(struct nftnl_rule *r, uint32_t type, const char *name)
{
	struct nftnl_expr *e = r ? nftnl_expr_alloc("objref") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_OBJREF_IMM_TYPE, type);
		nftnl_expr_set_str(e, NFTNL_EXPR_OBJREF_IMM_NAME, name);
	}
	cc_nft_add_expr(r, e);
}

void cc_nft_counter_ref(struct nftnl_rule *r, const char *name)
{
	object_ref(r, NFT_OBJECT_COUNTER, name);
}

void cc_nft_ct_timeout_ref(struct nftnl_rule *r, const char *name)
{
	object_ref(r, NFT_OBJECT_CT_TIMEOUT, name);
}

void cc_nft_limit_ref(struct nftnl_rule *r, const char *name)
{
	object_ref(r, NFT_OBJECT_LIMIT, name);
}

void cc_nft_masked_cmp(struct nftnl_rule *r, uint32_t reg, const void *mask, const void *value, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = r ? nftnl_expr_alloc("bitwise") : NULL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	}
	cc_nft_add_expr(r, e);
	cc_nft_cmp(r, reg, NFT_CMP_EQ, value, len);
}

static void ct_load(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *ct = r ? nftnl_expr_alloc("ct") : NULL;

	if (ct) {
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	cc_nft_add_expr(r, ct);
}

void cc_nft_ct_mark_set(struct nftnl_rule *r, uint32_t mark)
{
	struct nftnl_expr *value = r ? nftnl_expr_alloc("immediate") : NULL;
	struct nftnl_expr *ct = r ? nftnl_expr_alloc("ct") : NULL;

	if (value) {
		nftnl_expr_set_u32(value, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
		nftnl_expr_set(value, NFTNL_EXPR_IMM_DATA, &mark, sizeof(mark));
	}
	cc_nft_add_expr(r, value);
	if (ct) {
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_KEY, NFT_CT_MARK);
		nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_SREG, NFT_REG_1);
	}
	cc_nft_add_expr(r, ct);
}

void cc_nft_ct_unconfirmed(struct nftnl_rule *r)
{
	static const uint32_t confirmed = IPS_CONFIRMED, zero = 0;

	ct_load(r, NFT_CT_STATUS);
	cc_nft_masked_cmp(r, NFT_REG_1, &confirmed, &zero, sizeof(zero));
}

void cc_nft_ct_established(struct nftnl_rule *r)
{
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED), zero = 0;
	struct nftnl_expr *bitwise;

	ct_load(r, NFT_CT_STATE);
	bitwise = r ? nftnl_expr_alloc("bitwise") : NULL;
	if (bitwise) {
		nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(bitwise, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
		nftnl_expr_set(bitwise, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
		nftnl_expr_set(bitwise, NFTNL_EXPR_BITWISE_XOR, &zero, sizeof(zero));
	}
	cc_nft_add_expr(r, bitwise);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, sizeof(zero));
}

/* Read the answers; remember the first error. All of them are queued by
 * the time sendmsg returns (the kernel handles a batch synchronously), so
 * nothing is waited for: a batch the kernel refused as a whole (EPERM
 * without CAP_NET_ADMIN, nf_tables not loadable, out of memory) has one
 * answer, not one per message, and a blocking read would wait forever. */
static int collect_answers(struct mnl_socket *nl, uint32_t expected, int *first_error)
{
	char buf[RECEIVE_BUFFER];
	uint32_t seen = 0;

	*first_error = 0;
	while (seen < expected) {
		ssize_t got = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);
		int len = (int)got;

		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && *first_error)
				break; /* the refusal of the whole batch */
			if (errno == EAGAIN)
				errno = EPROTO; /* answers missing and no error: never committed as far as we know */
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

struct mnl_socket *cc_nft_socket_open(int netns_fd)
{
	int fd = cc_netns_socket(netns_fd, AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
	struct mnl_socket *nl;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	nl = mnl_socket_fdopen(fd);
	if (!nl) {
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int saved = errno;

		mnl_socket_close(nl);
		errno = saved;
		return NULL;
	}
	return nl;
}

int cc_nft_batch_commit(struct cc_nft_batch *batch, int *kernel_errno, struct cc_err *err)
{
	return cc_nft_batch_commit_in(batch, -1, kernel_errno, err);
}

int cc_nft_batch_commit_in(struct cc_nft_batch *batch, int netns_fd, int *kernel_errno, struct cc_err *err)
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
	nl = cc_nft_socket_open(netns_fd);
	if (!nl) {
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

void cc_nft_skuid_range(struct nftnl_rule *r, uint32_t first, uint32_t last)
{
	uint32_t lo = htonl(first), hi = htonl(last);

	cc_nft_meta(r, NFT_META_SKUID, NFT_REG_1);
	cc_nft_to_big_endian_u32(r, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_GTE, &lo, sizeof(lo));
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_LTE, &hi, sizeof(hi));
}

void cc_nft_ifname_prefix(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *prefix)
{
	cc_nft_meta(r, key, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, op, prefix, (uint32_t)strlen(prefix));
}

void cc_nft_addr_in_prefix(struct nftnl_rule *r, int family, bool source, const uint8_t *addr, unsigned prefix_len)
{
	bool v4 = family == AF_INET;
	uint8_t nfproto = v4 ? NFPROTO_IPV4 : NFPROTO_IPV6, mask[16] = {0}, net[16] = {0};
	uint32_t len = v4 ? 4 : 16;
	/* IPv4: saddr at 12, daddr at 16; IPv6: saddr at 8, daddr at 24 */
	uint32_t offset = v4 ? (source ? 12 : 16) : (source ? 8 : 24);

	for (unsigned bit = 0; bit < prefix_len && bit < len * 8; bit++)
		mask[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	for (uint32_t i = 0; i < len; i++)
		net[i] = addr[i] & mask[i];
	cc_nft_meta(r, NFT_META_NFPROTO, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &nfproto, sizeof(nfproto));
	cc_nft_payload(r, NFT_PAYLOAD_NETWORK_HEADER, offset, len, NFT_REG_1);
	cc_nft_masked_cmp(r, NFT_REG_1, mask, net, len);
}
