/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Building and removing the host's table (host_nft.h). */
#include "egress/host_nft.h"
#include "egress/nft_batch.h"
#include "egress/nft_probe.h"

#include <errno.h>
#include <stdio.h> /* before libnftnl/expr.h, which uses FILE */
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "egress/egress_nft.h"
#include "net/cell_addr.h"

#define DROPPED "dropped"
#define REJECTED "rejected"

const struct cc_host_nft_chain cc_host_nft_chains[CC_HOST_NFT_CHAINS] = {
	{"forward", 3},
	{"postrouting", 2},
	{"output", 1},
	{"prerouting", 3},
};

/* The forward chain: no traffic between cells, and nothing new into one
 * from anywhere (the host's other networks included); what leaves a cell
 * is the cell's own egress table's business. */
static void put_forward_rules(struct cc_nft_batch *batch)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_HOST_NFT_TABLE, "forward");

	cc_nft_ifname_prefix(r, NFT_META_IIFNAME, NFT_CMP_EQ, CC_HOST_NFT_CELL_LINKS);
	cc_nft_ifname_prefix(r, NFT_META_OIFNAME, NFT_CMP_EQ, CC_HOST_NFT_CELL_LINKS);
	cc_nft_counter_ref(r, DROPPED);
	cc_nft_verdict(r, NF_DROP, NULL);
	cc_nft_put_rule(batch, r);

	r = cc_nft_new_rule(CC_HOST_NFT_TABLE, "forward");
	cc_nft_ifname_prefix(r, NFT_META_OIFNAME, NFT_CMP_EQ, CC_HOST_NFT_CELL_LINKS);
	cc_nft_ct_established(r);
	cc_nft_verdict(r, NF_ACCEPT, NULL);
	cc_nft_put_rule(batch, r);

	r = cc_nft_new_rule(CC_HOST_NFT_TABLE, "forward");
	cc_nft_ifname_prefix(r, NFT_META_OIFNAME, NFT_CMP_EQ, CC_HOST_NFT_CELL_LINKS);
	cc_nft_counter_ref(r, DROPPED);
	cc_nft_verdict(r, NF_DROP, NULL);
	cc_nft_put_rule(batch, r);
}

/* A cell's address leaves the host as the host's own: masquerade whatever
 * from a cell range goes out of a link that is not a cell's. */
static void put_masquerade_rule(struct cc_nft_batch *batch, int family, const struct cc_ip_range *range)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_HOST_NFT_TABLE, "postrouting");
	struct nftnl_expr *masq = r ? nftnl_expr_alloc("masq") : NULL;

	cc_nft_addr_in_prefix(r, family, true, range->addr, range->prefix_len);
	cc_nft_ifname_prefix(r, NFT_META_OIFNAME, NFT_CMP_NEQ, CC_HOST_NFT_CELL_LINKS);
	cc_nft_add_expr(r, masq);
	cc_nft_put_rule(batch, r);
}

/* Defense in depth: a chat's process that is not in its cell reaches
 * nothing from the host's namespace. */
static void put_output_rule(struct cc_nft_batch *batch, const struct cc_config *config)
{
	struct nftnl_rule *r = cc_nft_new_rule(CC_HOST_NFT_TABLE, "output");

	cc_nft_skuid_range(r, config->uid_min, config->uid_max);
	cc_nft_counter_ref(r, REJECTED);
	cc_nft_reject(r, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
	cc_nft_put_rule(batch, r);
}

/* Every cell's DNS goes to the gate (chatcelld, on the host's loopback):
 * its resolv.conf names its gateway (cell_resolv.h), and two rules (UDP,
 * TCP) send that to the gate:
 *   iifname "cc*" ip daddr 169.254.1.1 meta l4proto udp|tcp th dport 53
 *       [udp: ct timeout set "dns"] dnat ip to 127.0.0.1:dns_gate_port
 * A UDP question is kept cc_dns_flow_seconds(), as in the cell, whose table
 * counts them (egress_nft.c): the host then holds no more of them than
 * the cell does. A gate that is not running answers nothing: lookups
 * fail, nothing else does. */
static void put_dns_rules(struct cc_nft_batch *batch, const struct cc_config *config)
{
	static const uint8_t gateway[4] = CC_CELL_GATEWAY4;
	static const uint8_t protos[] = {IPPROTO_UDP, IPPROTO_TCP};
	static const uint8_t gate[4] = {127, 0, 0, 1};
	static const uint8_t dns_port[2] = {0, 53}; /* big-endian, as on the wire */
	uint8_t gate_port[2] = {(uint8_t)(config->dns_gate_port >> 8), (uint8_t)config->dns_gate_port};

	cc_nft_put_udp4_timeout(batch, CC_HOST_NFT_TABLE, CC_NFT_DNS_TIMEOUT, cc_dns_flow_seconds(config));
	for (size_t i = 0; i < sizeof(protos); i++) {
		struct nftnl_rule *r = cc_nft_new_rule(CC_HOST_NFT_TABLE, "prerouting");
		struct nftnl_expr *e;

		cc_nft_ifname_prefix(r, NFT_META_IIFNAME, NFT_CMP_EQ, CC_HOST_NFT_CELL_LINKS);
		cc_nft_addr_in_prefix(r, AF_INET, false, gateway, 32);
		cc_nft_meta(r, NFT_META_L4PROTO, NFT_REG_1);
		cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &protos[i], 1);
		cc_nft_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
		cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, dns_port, sizeof(dns_port));
		if (protos[i] == IPPROTO_UDP)
			cc_nft_ct_timeout_ref(r, CC_NFT_DNS_TIMEOUT);
		e = r ? nftnl_expr_alloc("immediate") : NULL;
		if (e) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
			nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, gate, sizeof(gate));
		}
		cc_nft_add_expr(r, e);
		e = r ? nftnl_expr_alloc("immediate") : NULL;
		if (e) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_2);
			nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, gate_port, sizeof(gate_port));
		}
		cc_nft_add_expr(r, e);
		e = r ? nftnl_expr_alloc("nat") : NULL;
		if (e) {
			nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
			nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
			nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
			nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
		}
		cc_nft_add_expr(r, e);
		cc_nft_put_rule(batch, r);
	}
}

/* A cell's TCP flows are forgotten CC_CLOSED_FLOW_SECONDS after they close,
 * as in the cell (egress_nft.h), whose rate of new flows then bounds the
 * closed ones the host keeps:
 *   iifname "cc*" meta l4proto tcp ct timeout set "cell_tcp"
 * First in prerouting, before the DNAT to the gate ends the chain. */
static void put_tcp_timeout_rule(struct cc_nft_batch *batch)
{
	static const uint8_t tcp = IPPROTO_TCP;
	struct nftnl_rule *r = cc_nft_new_rule(CC_HOST_NFT_TABLE, "prerouting");

	cc_nft_put_tcp_closed_timeout(batch, CC_HOST_NFT_TABLE, CC_NFT_TCP_TIMEOUT, CC_CLOSED_FLOW_SECONDS);
	cc_nft_ifname_prefix(r, NFT_META_IIFNAME, NFT_CMP_EQ, CC_HOST_NFT_CELL_LINKS);
	cc_nft_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	cc_nft_cmp(r, NFT_REG_1, NFT_CMP_EQ, &tcp, sizeof(tcp));
	cc_nft_ct_timeout_ref(r, CC_NFT_TCP_TIMEOUT);
	cc_nft_put_rule(batch, r);
}

static int commit(struct cc_nft_batch *batch, struct cc_err *err)
{
	int kernel_errno;
	int rc = cc_nft_batch_commit(batch, &kernel_errno, err);

	cc_nft_batch_free(batch);
	if (rc < 0)
		cc_err_prefix(err, "the host's table inet %s: ", CC_HOST_NFT_TABLE);
	return rc;
}

int cc_host_nft_apply(const struct cc_config *config, struct cc_err *err)
{
	static const struct cc_nft_hook forward = {NF_INET_FORWARD, NF_IP_PRI_FILTER, "filter", NF_ACCEPT};
	static const struct cc_nft_hook postrouting = {NF_INET_POST_ROUTING, NF_IP_PRI_NAT_SRC, "nat", NF_ACCEPT};
	static const struct cc_nft_hook output = {NF_INET_LOCAL_OUT, NF_IP_PRI_FILTER, "filter", NF_ACCEPT};
	static const struct cc_nft_hook prerouting = {NF_INET_PRE_ROUTING, NF_IP_PRI_NAT_DST, "nat", NF_ACCEPT};
	struct cc_nft_batch *batch = cc_nft_batch_new();

	if (!batch)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "building the host's nftables table");
	cc_nft_put_fresh_table(batch, CC_HOST_NFT_TABLE);
	cc_nft_put_counter(batch, CC_HOST_NFT_TABLE, DROPPED);
	cc_nft_put_counter(batch, CC_HOST_NFT_TABLE, REJECTED);
	cc_nft_put_chain(batch, CC_HOST_NFT_TABLE, "forward", &forward);
	cc_nft_put_chain(batch, CC_HOST_NFT_TABLE, "postrouting", &postrouting);
	cc_nft_put_chain(batch, CC_HOST_NFT_TABLE, "output", &output);
	cc_nft_put_chain(batch, CC_HOST_NFT_TABLE, "prerouting", &prerouting);
	put_forward_rules(batch);
	put_masquerade_rule(batch, AF_INET, &config->cell_ipv4_range);
	put_masquerade_rule(batch, AF_INET6, &config->cell_ipv6_range);
	put_output_rule(batch, config);
	put_tcp_timeout_rule(batch);
	put_dns_rules(batch, config);
	return commit(batch, err);
}

int cc_host_nft_remove(struct cc_err *err)
{
	struct cc_nft_batch *batch;
	int exists = cc_nft_table_exists(err);

	if (exists <= 0)
		return exists;
	batch = cc_nft_batch_new();
	if (!batch)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "removing the host's nftables table");
	/* Create-then-delete: gone afterwards even if it went in between. */
	cc_nft_put_table(batch, CC_HOST_NFT_TABLE, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	cc_nft_put_table(batch, CC_HOST_NFT_TABLE, NFT_MSG_DELTABLE, 0);
	return commit(batch, err) < 0 ? -1 : 1;
}
