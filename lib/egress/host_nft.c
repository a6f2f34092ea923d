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

#define DROPPED "dropped"
#define REJECTED "rejected"

const struct cc_host_nft_chain cc_host_nft_chains[CC_HOST_NFT_CHAINS] = {
	{"forward", 3},
	{"postrouting", 2},
	{"output", 1},
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
	struct cc_nft_batch *batch = cc_nft_batch_new();

	if (!batch)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "building the host's nftables table");
	cc_nft_put_fresh_table(batch, CC_HOST_NFT_TABLE);
	cc_nft_put_counter(batch, CC_HOST_NFT_TABLE, DROPPED);
	cc_nft_put_counter(batch, CC_HOST_NFT_TABLE, REJECTED);
	cc_nft_put_chain(batch, CC_HOST_NFT_TABLE, "forward", &forward);
	cc_nft_put_chain(batch, CC_HOST_NFT_TABLE, "postrouting", &postrouting);
	cc_nft_put_chain(batch, CC_HOST_NFT_TABLE, "output", &output);
	put_forward_rules(batch);
	put_masquerade_rule(batch, AF_INET, &config->cell_ipv4_range);
	put_masquerade_rule(batch, AF_INET6, &config->cell_ipv6_range);
	put_output_rule(batch, config);
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
