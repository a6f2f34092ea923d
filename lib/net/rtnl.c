/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net/rtnl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/netns_socket.h"

#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* The socket, in the namespace of netns_fd (-1: the caller's). */
static int open_socket(struct cc_rtnl *r, int netns_fd)
{
	/* A kernel that does not answer fails the request (EAGAIN) instead of
	 * hanging the login that asked. */
	const struct timeval patience = {.tv_sec = 5};
	int one = 1, fd = cc_netns_socket(netns_fd, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

	if (fd < 0)
		return fd;
	r->nl = mnl_socket_fdopen(fd);
	if (!r->nl) {
		close(fd);
		return -ENOMEM;
	}
	/* Refusals without the request echoed back: a batch's answers fit
	 * one small read. */
	mnl_socket_setsockopt(r->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(r->nl), SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof(patience));
	if (mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = -errno;

		mnl_socket_close(r->nl);
		r->nl = NULL;
		return e;
	}
	return 0;
}

int cc_rtnl_open(struct cc_rtnl *r, int netns_fd)
{
	r->nl = NULL;
	r->seq = 1;
	r->count = 0;
	r->len = 0;
	r->overflow = false;
	return open_socket(r, netns_fd);
}

void cc_rtnl_close(struct cc_rtnl *r)
{
	if (r->nl)
		mnl_socket_close(r->nl);
	r->nl = NULL;
}

struct nlmsghdr *cc_rtnl_add(struct cc_rtnl *r, uint16_t type, uint16_t flags, const char *what)
{
	struct nlmsghdr *nlh;

	if (r->count) {
		const struct nlmsghdr *last = (const struct nlmsghdr *)(r->buf + r->len);

		r->len += NLMSG_ALIGN(last->nlmsg_len);
	}
	/* A batch larger than planned is refused by cc_rtnl_send; until then
	 * the extra request is written over the last slot. */
	if (r->count == CC_RTNL_BATCH_MAX || r->len + CC_RTNL_MSG_MAX > sizeof(r->buf)) {
		r->overflow = true;
		r->len = sizeof(r->buf) - CC_RTNL_MSG_MAX;
		r->count = CC_RTNL_BATCH_MAX - 1;
	}
	nlh = mnl_nlmsg_put_header(r->buf + r->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = r->seq + r->count;
	r->what[r->count++] = what;
	return nlh;
}

struct answers {
	struct cc_rtnl *r;
	unsigned acked;
	int error;
	const char *failed;
	mnl_cb_t cb;
	void *data;
};

/* One answer: an acknowledgement (0 or -errno for request seq) or data. */
static int answer(const struct nlmsghdr *nlh, struct answers *a)
{
	uint32_t i = nlh->nlmsg_seq - a->r->seq;

	if (i >= a->r->count)
		return 0; /* not ours */
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
			return -EBADMSG;
		a->acked++;
		if (e->error && !a->error) {
			a->error = e->error;
			a->failed = a->r->what[i];
		}
		return 0;
	}
	if (a->cb && a->cb(nlh, a->data) < 0)
		return -EBADMSG;
	return 0;
}

int cc_rtnl_send(struct cc_rtnl *r, mnl_cb_t cb, void *data, const char **failed)
{
	struct answers a = {.r = r, .cb = cb, .data = data};
	char buf[8192] __attribute__((aligned(4))); /* a batch's answers, or one link */
	size_t total;
	int rc = 0;

	*failed = r->count ? r->what[0] : "an empty request";
	if (r->overflow || !r->count) {
		rc = -E2BIG;
		goto out;
	}
	total = r->len + NLMSG_ALIGN(((const struct nlmsghdr *)(r->buf + r->len))->nlmsg_len);
	if (mnl_socket_sendto(r->nl, r->buf, total) < 0) {
		rc = -errno;
		goto out;
	}
	while (a.acked < r->count) {
		ssize_t len = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int left = (int)len;

		if (len < 0) {
			rc = -errno;
			goto out;
		}
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			rc = answer(nlh, &a);
			if (rc < 0)
				goto out;
		}
	}
	rc = a.error;
	if (rc)
		*failed = a.failed;
out:
	r->seq += CC_RTNL_BATCH_MAX;
	r->count = 0;
	r->len = 0;
	r->overflow = false;
	return rc;
}

int cc_rtnl_ifindex(struct cc_rtnl *r, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (strlen(name) >= sizeof(ifr.ifr_name))
		return -ENAMETOOLONG;
	memcpy(ifr.ifr_name, name, strlen(name));
	/* Any socket answers for its own namespace. */
	if (ioctl(mnl_socket_get_fd(r->nl), SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	return ifr.ifr_ifindex;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

void cc_rtnl_addr(struct nlmsghdr *nlh, int family, unsigned ifindex, const uint8_t *addr, uint8_t prefix_len,
		  uint32_t flags)
{
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = prefix_len;
	ifa->ifa_flags = (uint8_t)flags;
	ifa->ifa_scope = family == AF_INET6 && addr[0] == 0xfe ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(family), addr);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(family), addr);
	mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
}

void cc_rtnl_route(struct nlmsghdr *nlh, int family, const uint8_t *dst, uint8_t dst_len, const uint8_t *gateway,
		   unsigned oif, bool onlink)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_dst_len = dst_len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_flags = onlink ? RTNH_F_ONLINK : 0;
	if (dst_len)
		mnl_attr_put(nlh, RTA_DST, addr_len(family), dst);
	if (gateway)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(family), gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, oif);
}

void cc_rtnl_neigh(struct nlmsghdr *nlh, int family, unsigned ifindex, const uint8_t *addr, const uint8_t *lladdr)
{
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));

	nd->ndm_family = (uint8_t)family;
	nd->ndm_ifindex = (int)ifindex;
	nd->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, addr_len(family), addr);
	mnl_attr_put(nlh, NDA_LLADDR, 6, lladdr);
}

struct ifinfomsg *cc_rtnl_link(struct nlmsghdr *nlh, unsigned ifindex, bool up)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = up ? IFF_UP : 0;
	return ifi;
}
