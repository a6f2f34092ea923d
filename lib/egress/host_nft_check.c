/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whether the host's table is whole (host_nft.h), with libmnl alone: GET
 * requests for the table and each chain, and a dump of the table's rules
 * counted per chain. chatcelld asks this after every nftables change, so
 * it sends nothing that changes anything. */
#include "egress/host_nft.h"
#include "egress/nft_probe.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Room for a dump's parts: the kernel fills each up to the reader's buffer. */
/* A request: a header and a name or two. */
#define REQUEST_BUFFER 1024

struct rule_count {
	unsigned per_chain[CC_HOST_NFT_CHAINS];
	unsigned other;
};

static struct nlmsghdr *put_request(char *buf, int type, uint16_t flags, uint32_t seq)
{
	return cc_nfnl_request(buf, NFNL_SUBSYS_NFTABLES, (uint8_t)type, flags, seq, NFPROTO_INET);
}

static int chain_attribute(const struct nlattr *attr, void *data)
{
	const struct nlattr **chain = data;

	if (mnl_attr_get_type(attr) == NFTA_RULE_CHAIN && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*chain = attr;
	return MNL_CB_OK;
}

/* One rule of the dump: count it for its chain. */
static int count_rule(const struct nlmsghdr *nlh, void *data)
{
	struct rule_count *count = data;
	const struct nlattr *chain = NULL;

	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), chain_attribute, &chain) < 0 || !chain) {
		count->other++;
		return MNL_CB_OK;
	}
	for (unsigned i = 0; i < CC_HOST_NFT_CHAINS; i++) {
		if (strcmp(mnl_attr_get_str(chain), cc_host_nft_chains[i].name) == 0) {
			count->per_chain[i]++;
			return MNL_CB_OK;
		}
	}
	count->other++;
	return MNL_CB_OK;
}

static int table_exists(struct mnl_socket *nl, uint32_t seq, struct cc_err *err)
{
	char buf[REQUEST_BUFFER];
	struct nlmsghdr *nlh = put_request(buf, NFT_MSG_GETTABLE, NLM_F_ACK, seq);

	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, CC_HOST_NFT_TABLE);
	return cc_nft_ask(nl, nlh, NULL, NULL, err);
}

static int chain_exists(struct mnl_socket *nl, const char *chain, uint32_t seq, struct cc_err *err)
{
	char buf[REQUEST_BUFFER];
	struct nlmsghdr *nlh = put_request(buf, NFT_MSG_GETCHAIN, NLM_F_ACK, seq);

	mnl_attr_put_strz(nlh, NFTA_CHAIN_TABLE, CC_HOST_NFT_TABLE);
	mnl_attr_put_strz(nlh, NFTA_CHAIN_NAME, chain);
	return cc_nft_ask(nl, nlh, NULL, NULL, err);
}

static int count_rules(struct mnl_socket *nl, struct rule_count *count, uint32_t seq, struct cc_err *err)
{
	char buf[REQUEST_BUFFER];
	struct nlmsghdr *nlh = put_request(buf, NFT_MSG_GETRULE, NLM_F_DUMP, seq);

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, CC_HOST_NFT_TABLE);
	memset(count, 0, sizeof(*count));
	return cc_nft_ask(nl, nlh, count_rule, count, err);
}

/* Say what is missing; returns 0 (not intact). */
__attribute__((format(printf, 3, 4))) static int damaged(char *damage, size_t damage_len, const char *fmt, ...)
{
	if (damage && damage_len) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(damage, damage_len, fmt, ap);
		va_end(ap);
	}
	return 0;
}

static int check(struct mnl_socket *nl, char *damage, size_t damage_len, struct cc_err *err)
{
	struct rule_count count;
	uint32_t seq = 1;
	int r = table_exists(nl, seq++, err);

	if (r <= 0)
		return r < 0 ? -1 : damaged(damage, damage_len, "was removed (nft flush ruleset?)");
	for (unsigned i = 0; i < CC_HOST_NFT_CHAINS; i++) {
		r = chain_exists(nl, cc_host_nft_chains[i].name, seq++, err);
		if (r <= 0)
			return r < 0 ? -1 : damaged(damage, damage_len, "lost its chain %s", cc_host_nft_chains[i].name);
	}
	r = count_rules(nl, &count, seq, err);
	if (r <= 0) /* the table went while we looked */
		return r < 0 ? -1 : damaged(damage, damage_len, "was removed (nft flush ruleset?)");
	for (unsigned i = 0; i < CC_HOST_NFT_CHAINS; i++)
		if (count.per_chain[i] != cc_host_nft_chains[i].rules)
			return damaged(damage, damage_len, "has %u rules in its chain %s instead of %u", count.per_chain[i],
				       cc_host_nft_chains[i].name, cc_host_nft_chains[i].rules);
	if (count.other)
		return damaged(damage, damage_len, "has %u rules in chains chatcell did not make", count.other);
	return 1;
}

int cc_host_nft_intact(char *damage, size_t damage_len, struct cc_err *err)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	int rc;

	if (!nl)
		return cc_nft_kernel_error(errno, err);
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		rc = cc_nft_kernel_error(errno, err);
	else
		rc = check(nl, damage, damage_len, err);
	mnl_socket_close(nl);
	return rc;
}
