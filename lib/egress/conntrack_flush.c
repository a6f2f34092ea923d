/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/conntrack_flush.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "egress/nft_batch.h"
#include "egress/nft_probe.h"

int cc_conntrack_flush(int netns, struct cc_err *err)
{
	char buf[8192] __attribute__((aligned(4))); /* the request, then its acknowledgement */
	struct mnl_socket *nl = cc_nft_socket_open(netns);
	struct nlmsghdr *nlh;
	uint32_t seq = (uint32_t)time(NULL);
	int rc;

	if (!nl)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open a netfilter socket in the cell");
	/* IPCTNL_MSG_CT_DELETE without a tuple and family AF_UNSPEC: the
	 * namespace's entries of every family, filtered by mark: those whose
	 * mark has no CC_CT_MARK_GATE bit (mark & mask == 0). */
	nlh = cc_nfnl_request(buf, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE, NLM_F_ACK, seq, AF_UNSPEC);
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(0));
	mnl_attr_put_u32(nlh, CTA_MARK_MASK, htonl(CC_CT_MARK_GATE));
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		rc = -errno;
	} else {
		ssize_t len = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		rc = len < 0 ? -errno
			     : mnl_cb_run(buf, (size_t)len, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0 ? -errno : 0;
	}
	mnl_socket_close(nl);
	if (rc < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, -rc,
				     "cannot cut the cell's open connections (conntrack over netlink, "
				     "CONFIG_NF_CT_NETLINK)");
	return 0;
}
