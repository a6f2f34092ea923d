/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nft_events.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <stdbool.h>
#include <sys/socket.h>

/* Room for a burst of events (a large `nft -f` is thousands); past it the
 * kernel drops them and says ENOBUFS, which is handled like a change. */
#define EVENT_QUEUE_BYTES (4 * 1024 * 1024)
#define EVENT_BUFFER 65536
/* Read at most this many queued datagrams before looking: a storm of
 * changes must not keep the table from being looked at. */
#define DRAIN_MAX 4096

struct mnl_socket *nft_events_open(struct cc_err *err)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	int size = EVENT_QUEUE_BYTES;

	if (!nl) {
		cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open a netfilter netlink socket");
		return NULL;
	}
	if (mnl_socket_bind(nl, 1u << (NFNLGRP_NFTABLES - 1), MNL_SOCKET_AUTOPID) < 0) {
		cc_fail_errno(err, errno == EPERM ? CC_ERR_PERMISSION : CC_ERR_SYSTEM, errno,
			      "cannot subscribe to nftables' events (this needs CAP_NET_ADMIN, i.e. root)");
		mnl_socket_close(nl);
		return NULL;
	}
	/* Larger than the default, past rmem_max as root may. */
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return nl;
}

/* Does this datagram end a transaction? */
static bool ends_transaction(const char *buf, ssize_t got)
{
	int len = (int)got;

	for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len))
		if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN))
			return true;
	return false;
}

int nft_events_read(struct mnl_socket *nl, struct cc_err *err)
{
	static char buf[EVENT_BUFFER];
	bool look = false;

	for (unsigned drained = 0; drained < DRAIN_MAX; drained++) {
		ssize_t got = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == ENOBUFS) { /* events were lost: anything may have changed */
			look = true;
			continue;
		}
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return look ? 1 : 0;
		if (got < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read nftables' events");
		if (ends_transaction(buf, got))
			look = true;
	}
	return 1;
}

int nft_events_fd(struct mnl_socket *nl)
{
	return mnl_socket_get_fd(nl);
}

void nft_events_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}
