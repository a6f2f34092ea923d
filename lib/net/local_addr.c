/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net/local_addr.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/addr_kind.h"
#include <sys/time.h>
#include <unistd.h>

int cc_local_route_open(void)
{
	struct timeval wait = {.tv_sec = 1};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	/* the kernel answers at once; a second is only a bound */
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The answer's route type, RTN_UNREACHABLE for no route, -1 unknown. */
static int route_type(const struct nlmsghdr *nlh)
{
	const struct rtmsg *rtm;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		/* no route: not ours; anything else: unknown */
		return e->error == -ENETUNREACH || e->error == -EHOSTUNREACH ? RTN_UNREACHABLE : -1;
	}
	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -1;
	rtm = mnl_nlmsg_get_payload(nlh);
	return rtm->rtm_type;
}

int cc_addr_is_local(int fd, int family, const uint8_t *addr)
{
	static uint32_t seq;
	char buf[8192]; /* one route, or an error */
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	size_t len = family == AF_INET ? 4 : 16;
	ssize_t n;
	int type = -1;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = (unsigned char)(len * 8);
	mnl_attr_put(nlh, RTA_DST, len, addr);
	if (send(fd, nlh, nlh->nlmsg_len, 0) != (ssize_t)nlh->nlmsg_len)
		return -1;
	/* an earlier answer left behind (a timeout) has another seq: skip it */
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		nlh = (struct nlmsghdr *)buf;
		if (!mnl_nlmsg_ok(nlh, (int)n))
			return -1;
		if (nlh->nlmsg_seq == seq) {
			type = route_type(nlh);
			break;
		}
	}
	switch (type) {
	case RTN_LOCAL:
	case RTN_BROADCAST:
	case RTN_ANYCAST:
	case RTN_MULTICAST:
		return 1;
	case -1:
		return -1;
	default:
		return 0;
	}
}

bool cc_addr_may_open(const struct cc_config *config, int route_fd, int family, const uint8_t *addr, bool private_ok,
		      bool *is_private)
{
	struct cc_addr_prefix cells4 = {config->cell_ipv4_range.addr, config->cell_ipv4_range.prefix_len};
	struct cc_addr_prefix cells6 = {config->cell_ipv6_range.addr, config->cell_ipv6_range.prefix_len};
	enum cc_addr_kind kind = cc_addr_kind(family, addr, cells4, cells6);

	*is_private = kind == CC_ADDR_PRIVATE;
	if (kind == CC_ADDR_FORBIDDEN || (kind == CC_ADDR_PRIVATE && !private_ok))
		return false;
	return cc_addr_is_local(route_fd, family, addr) == 0;
}
