/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/nft_probe.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>

#include "egress/egress_nft.h"

int cc_nft_kernel_error(int error, struct cc_err *err)
{
	switch (error) {
	case EPERM:
		return cc_fail(err, CC_ERR_PERMISSION,
			       "the kernel refused to change nftables (this needs CAP_NET_ADMIN, i.e. root)");
	case EOPNOTSUPP:
	case EAFNOSUPPORT:
		return cc_fail(err, CC_ERR_SYSTEM,
			       "this kernel lacks nf_tables support for chatcell's egress table (modules nf_tables, "
			       "nft_ct, nft_reject_inet, nft_objref; concatenated interval sets need Linux 5.6)");
	case ENOTEMPTY:
		return cc_fail(err, CC_ERR_CONFLICT,
			       "the kernel refused an allowlist entry that overlaps another of the same chat");
	default:
		return cc_fail_errno(err, CC_ERR_SYSTEM, error, "the kernel refused the egress change (nftables)");
	}
}

struct nlmsghdr *cc_nfnl_request(char *buf, uint8_t subsys, uint8_t type, uint16_t flags, uint32_t seq,
				 uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)(subsys << 8 | type);
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/* NFT_MSG_GETTABLE for inet chatcell: the answer is the table or ENOENT. */
static struct nlmsghdr *get_table_request(char *buf)
{
	struct nlmsghdr *nlh = cc_nfnl_request(buf, NFNL_SUBSYS_NFTABLES, NFT_MSG_GETTABLE, NLM_F_ACK, 1, NFPROTO_INET);

	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, CC_NFT_TABLE);
	return nlh;
}

int cc_nft_ask(struct mnl_socket *nl, const struct nlmsghdr *request, mnl_cb_t cb, void *data, struct cc_err *err)
{
	char buf[32768]; /* a dump answers in batches of up to 32 KiB (MNL_SOCKET_DUMP_SIZE) */

	if (mnl_socket_sendto(nl, request, request->nlmsg_len) < 0)
		return cc_nft_kernel_error(errno, err);
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int r;

		if (len < 0)
			return cc_nft_kernel_error(errno, err);
		r = mnl_cb_run(buf, (size_t)len, request->nlmsg_seq, mnl_socket_get_portid(nl), cb, data);
		if (r < 0)
			return errno == ENOENT ? 0 : cc_nft_kernel_error(errno, err);
		if (r == MNL_CB_STOP)
			return 1;
	}
}

int cc_nft_table_exists(struct cc_err *err)
{
	char buf[512];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	int rc;

	if (!nl)
		return cc_nft_kernel_error(errno, err);
	rc = mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ? cc_nft_kernel_error(errno, err)
							     : cc_nft_ask(nl, get_table_request(buf), NULL, NULL, err);
	mnl_socket_close(nl);
	return rc;
}
