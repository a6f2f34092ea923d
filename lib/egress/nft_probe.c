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

/* NFT_MSG_GETTABLE for inet chatcell: the answer is the table or ENOENT. */
static struct nlmsghdr *get_table_request(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = NFPROTO_INET;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	mnl_attr_put_strz(nlh, NFTA_TABLE_NAME, CC_NFT_TABLE);
	return nlh;
}

int cc_nft_table_exists(struct cc_err *err)
{
	char buf[8192]; /* the answer: one table, or an error */
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	struct nlmsghdr *nlh;
	int rc = -1;

	if (!nl)
		return cc_nft_kernel_error(errno, err);
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = cc_nft_kernel_error(errno, err);
		goto out;
	}
	nlh = get_table_request(buf);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = cc_nft_kernel_error(errno, err);
		goto out;
	}
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		int r;

		if (len < 0) {
			rc = cc_nft_kernel_error(errno, err);
			break;
		}
		r = mnl_cb_run(buf, (size_t)len, 1, mnl_socket_get_portid(nl), NULL, NULL);
		if (r < 0) {
			rc = errno == ENOENT ? 0 : cc_nft_kernel_error(errno, err);
			break;
		}
		if (r == MNL_CB_STOP) {
			rc = 1;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	return rc;
}
