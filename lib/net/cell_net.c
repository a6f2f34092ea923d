/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net/cell_net.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <string.h>
#include <sys/socket.h>

#include "net/rtnl.h"

/* The pair's MTU: a cell's traffic to the host itself moves in 64 KiB
 * segments, as over loopback, instead of 1500-byte frames, each its own
 * trip through both stacks (pasta's default, 65520, for the same reason).
 * Traffic beyond the host is held to the path's MTU as ever: TCP by the
 * peer's MSS, the rest by fragmentation or path MTU discovery. */
#define CC_CELL_MTU 65520

static const uint8_t host_mac[6] = CC_CELL_HOST_MAC;
static const uint8_t gateway4[4] = CC_CELL_GATEWAY4;
static const uint8_t gateway6[16] = CC_CELL_GATEWAY6;

/* One queue each way, asked for: left to itself the kernel gives a veth
 * end a queue per CPU and then cuts it to one, and each cut waits for an
 * RCU grace period (synchronize_net), twice per pair, 1-2 ms each here. */
static void one_queue(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
}

/* The pair, in one request: both ends down (each is configured before it
 * comes up), the cell's end made right in the cell's namespace, so it
 * never appears on the host under the name eth0. */
static void pair_request(struct cc_rtnl *r, const struct cc_cell_addrs *a, int netns_fd)
{
	struct nlmsghdr *nlh = cc_rtnl_add(r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, "creating the veth pair");
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *peer_ifi;

	cc_rtnl_link(nlh, 0, false);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, a->host_link);
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(host_mac), host_mac);
	mnl_attr_put_u32(nlh, IFLA_MTU, CC_CELL_MTU);
	one_queue(nlh);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow an ifinfomsg of its own. */
	peer_ifi = mnl_nlmsg_get_payload_tail(nlh);
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*peer_ifi));
	memset(peer_ifi, 0, sizeof(*peer_ifi));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, CC_CELL_LINK);
	mnl_attr_put_u32(nlh, IFLA_MTU, CC_CELL_MTU);
	one_queue(nlh);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
}

/* Bring an end up, with no IPv6 link-local address of the kernel's making
 * (each end has exactly the addresses given here, at once: no duplicate
 * address detection to wait for) and, on the host's end, proxy ARP for the
 * cell's gateway (Calico's pattern: it answers once forwarding is on for
 * the link; until then the cell's permanent neighbour entry stands in).
 * Per link, through rtnetlink: no namespace-wide sysctl is written. Two
 * requests: the kernel changes a link's flags before its settings, and an
 * end that comes up with a carrier makes its link-local address at once. */
static void link_up_requests(struct cc_rtnl *r, unsigned link, bool proxy_arp, bool kernel_ipv6, const char *what)
{
	struct nlmsghdr *nlh = cc_rtnl_add(r, RTM_NEWLINK, 0, what);
	struct nlattr *spec, *af;

	cc_rtnl_link(nlh, link, false);
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	if (proxy_arp) {
		struct nlattr *conf;

		af = mnl_attr_nest_start(nlh, AF_INET);
		conf = mnl_attr_nest_start(nlh, IFLA_INET_CONF);
		mnl_attr_put_u32(nlh, IPV4_DEVCONF_PROXY_ARP, 1);
		/* The host's part forwards the cell's DNS queries to a resolver on
		 * the host's loopback (127.0.0.53): routing there from this link
		 * needs route_localnet. A cell cannot send to 127/8 itself (its
		 * own loopback takes those, and it has no raw sockets). */
		mnl_attr_put_u32(nlh, IPV4_DEVCONF_ROUTE_LOCALNET, 1);
		mnl_attr_nest_end(nlh, conf);
		mnl_attr_nest_end(nlh, af);
	}
	if (kernel_ipv6) {
		af = mnl_attr_nest_start(nlh, AF_INET6);
		mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
		mnl_attr_nest_end(nlh, af);
	}
	mnl_attr_nest_end(nlh, spec);
	cc_rtnl_link(cc_rtnl_add(r, RTM_NEWLINK, 0, what), link, true);
}

/* What the host's end says of IPv6 (RTM_GETLINK): a kernel booted with
 * ipv6.disable=1 gives no AF_INET6 part at all; a host whose sysctls
 * disable IPv6 on new links (net.ipv6.conf.default.disable_ipv6 = 1)
 * gives the end disable_ipv6 = 1. Either way the cell gets IPv4 alone: an
 * IPv6 connect in it then fails at once (no route) rather than into a
 * link that drops it, and the host's choice stands. */
struct link_ipv6 {
	bool kernel; /* the kernel has IPv6 */
	bool disabled;
};

static int inet6_attr(const struct nlattr *attr, void *data)
{
	struct link_ipv6 *v6 = data;
	const int32_t *conf;

	if (mnl_attr_get_type(attr) != IFLA_INET6_CONF ||
	    mnl_attr_get_payload_len(attr) < (DEVCONF_DISABLE_IPV6 + 1) * sizeof(*conf))
		return MNL_CB_OK;
	conf = mnl_attr_get_payload(attr);
	v6->disabled = conf[DEVCONF_DISABLE_IPV6] != 0;
	return MNL_CB_OK;
}

static int af_spec_attr(const struct nlattr *attr, void *data)
{
	struct link_ipv6 *v6 = data;

	if (mnl_attr_get_type(attr) != AF_INET6)
		return MNL_CB_OK;
	v6->kernel = true;
	return mnl_attr_parse_nested(attr, inet6_attr, data);
}

static int link_ipv6_attr(const struct nlattr *attr, void *data)
{
	if (mnl_attr_get_type(attr) == IFLA_AF_SPEC)
		return mnl_attr_parse_nested(attr, af_spec_attr, data);
	return MNL_CB_OK;
}

static int link_ipv6_found(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	return mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_ipv6_attr, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

static int host_link_ipv6(struct cc_rtnl *r, unsigned link, struct link_ipv6 *v6, const char **failed)
{
	cc_rtnl_link(cc_rtnl_add(r, RTM_GETLINK, 0, "asking whether the host's end has IPv6"), link, false);
	return cc_rtnl_send(r, link_ipv6_found, v6, failed);
}

/* The host's end: up, fe80::1 (the cell's IPv6 gateway) and the routes
 * back to the cell. */
static void host_requests(struct cc_rtnl *r, const struct cc_cell_addrs *a, unsigned link, const struct link_ipv6 *v6)
{
	bool ipv6 = v6->kernel && !v6->disabled;
	struct nlmsghdr *nlh;

	link_up_requests(r, link, true, v6->kernel, "bringing up the host's end");
	if (ipv6) {
		nlh = cc_rtnl_add(r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, "adding fe80::1 to the host's end");
		cc_rtnl_addr(nlh, AF_INET6, link, gateway6, 64, IFA_F_NODAD);
	}
	nlh = cc_rtnl_add(r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, "adding the host's IPv4 route to the cell");
	cc_rtnl_route(nlh, AF_INET, a->ipv4, 32, NULL, link, false);
	if (ipv6) {
		nlh = cc_rtnl_add(r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, "adding the host's IPv6 route to the cell");
		cc_rtnl_route(nlh, AF_INET6, a->ipv6, 128, NULL, link, false);
	}
}

/* Inside the cell: its end and loopback up, the cell's addresses, the
 * gateways' neighbour entries (no ARP or neighbour discovery before the
 * first packet) and the default routes. */
static void cell_requests(struct cc_rtnl *r, const struct cc_cell_addrs *a, unsigned link, const struct link_ipv6 *v6)
{
	static const uint8_t any[16];
	bool ipv6 = v6->kernel && !v6->disabled;
	struct nlmsghdr *nlh;

	link_up_requests(r, link, false, v6->kernel, "bringing up the cell's end");
	nlh = cc_rtnl_add(r, RTM_NEWLINK, 0, "bringing up the cell's loopback");
	cc_rtnl_link(nlh, 1, true); /* lo is link 1 in every namespace */
	nlh = cc_rtnl_add(r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, "adding the cell's IPv4 address");
	cc_rtnl_addr(nlh, AF_INET, link, a->ipv4, 32, 0);
	nlh = cc_rtnl_add(r, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, "adding the cell's IPv4 gateway neighbour");
	cc_rtnl_neigh(nlh, AF_INET, link, gateway4, host_mac);
	nlh = cc_rtnl_add(r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, "adding the cell's IPv4 default route");
	cc_rtnl_route(nlh, AF_INET, any, 0, gateway4, link, true);
	if (!ipv6)
		return;
	nlh = cc_rtnl_add(r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, "adding the cell's IPv6 address");
	cc_rtnl_addr(nlh, AF_INET6, link, a->ipv6, 128, IFA_F_NODAD);
	nlh = cc_rtnl_add(r, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, "adding the cell's IPv6 gateway neighbour");
	cc_rtnl_neigh(nlh, AF_INET6, link, gateway6, host_mac);
	nlh = cc_rtnl_add(r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, "adding the cell's IPv6 default route");
	cc_rtnl_route(nlh, AF_INET6, any, 0, gateway6, link, false);
}

static int namespace_error(int error, int netns_fd, struct cc_err *err)
{
	switch (error) {
	case EBADF:
	case EINVAL:
		return cc_fail(err, CC_ERR_INVALID,
			       "descriptor %d is not a network namespace (open /proc/PID/ns/net of the cell's keeper)",
			       netns_fd);
	case EPERM:
		return cc_fail(err, CC_ERR_PERMISSION,
			       "entering the cell's network namespace was refused (this needs CAP_SYS_ADMIN, i.e. root)");
	default:
		return cc_fail_errno(err, CC_ERR_SYSTEM, error, "cannot open rtnetlink in the cell's network namespace");
	}
}

static int pair_error(struct cc_rtnl *host, const struct cc_cell_addrs *a, int error, struct cc_err *err)
{
	switch (error) {
	case EEXIST:
		if (cc_rtnl_ifindex(host, a->host_link) > 0)
			return cc_fail(err, CC_ERR_CONFLICT,
				       "a network interface named %s already exists on the host; if no cell uses it, "
				       "remove it (ip link del %s)",
				       a->host_link, a->host_link);
		return cc_fail(err, CC_ERR_CONFLICT,
			       "the cell's network namespace already has an interface named %s (is its network set up "
			       "already?)",
			       CC_CELL_LINK);
	case EPERM:
		return cc_fail(err, CC_ERR_PERMISSION,
			       "the kernel refused to create the cell's network (this needs CAP_NET_ADMIN, i.e. root)");
	case EOPNOTSUPP:
		return cc_fail(err, CC_ERR_SYSTEM, "this kernel has no veth links (module veth)");
	default:
		return cc_fail_errno(err, CC_ERR_SYSTEM, error, "cannot create the veth pair %s of cell %u", a->host_link,
				     a->index);
	}
}

static int delete_link(struct cc_rtnl *r, unsigned link, const char **failed)
{
	cc_rtnl_link(cc_rtnl_add(r, RTM_DELLINK, 0, "removing the cell's link"), link, false);
	return cc_rtnl_send(r, NULL, NULL, failed);
}

/* After the pair exists: its ends configured, or the pair removed again. */
static int configure(struct cc_rtnl *host, struct cc_rtnl *cell, const struct cc_cell_addrs *a, struct cc_err *err)
{
	int host_link = cc_rtnl_ifindex(host, a->host_link);
	int cell_link = cc_rtnl_ifindex(cell, CC_CELL_LINK);
	const char *failed = "looking up the pair's ends";
	int rc = host_link < 0 ? host_link : cell_link;
	struct link_ipv6 v6 = {0};

	if (host_link > 0 && cell_link > 0)
		rc = host_link_ipv6(host, (unsigned)host_link, &v6, &failed);
	if (rc == 0) {
		host_requests(host, a, (unsigned)host_link, &v6);
		rc = cc_rtnl_send(host, NULL, NULL, &failed);
	}
	if (rc == 0) {
		cell_requests(cell, a, (unsigned)cell_link, &v6);
		rc = cc_rtnl_send(cell, NULL, NULL, &failed);
	}
	if (rc == 0)
		return 0;
	cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot set up the network of cell %u (%s)", a->index, failed);
	if (host_link <= 0 || delete_link(host, (unsigned)host_link, &failed) < 0)
		cc_err_append(err, "; remove what is left with: ip link del %s", a->host_link);
	return -1;
}

int cc_cell_net_create(const struct cc_cell_addrs *addrs, int netns_fd, struct cc_err *err)
{
	struct cc_rtnl host, cell;
	const char *failed;
	int rc;

	/* Entering the namespace first proves the descriptor before anything
	 * is made. */
	if (netns_fd < 0)
		return namespace_error(EBADF, netns_fd, err);
	rc = cc_rtnl_open(&cell, netns_fd);
	if (rc < 0)
		return namespace_error(-rc, netns_fd, err);
	rc = cc_rtnl_open(&host, -1);
	if (rc < 0) {
		cc_rtnl_close(&cell);
		return cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot open rtnetlink");
	}
	pair_request(&host, addrs, netns_fd);
	rc = cc_rtnl_send(&host, NULL, NULL, &failed);
	if (rc < 0)
		rc = pair_error(&host, addrs, -rc, err);
	else
		rc = configure(&host, &cell, addrs, err);
	cc_rtnl_close(&host);
	cc_rtnl_close(&cell);
	return rc;
}

struct found_link {
	unsigned index;
	bool veth;
	bool cell_mac;
};

static int link_info_attr(const struct nlattr *attr, void *data)
{
	struct found_link *found = data;

	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND)
		found->veth = mnl_attr_validate(attr, MNL_TYPE_STRING) == 0 &&
			      strcmp(mnl_attr_get_str(attr), "veth") == 0;
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *attr, void *data)
{
	struct found_link *found = data;

	if (mnl_attr_get_type(attr) == IFLA_ADDRESS)
		found->cell_mac = mnl_attr_get_payload_len(attr) == sizeof(host_mac) &&
				  memcmp(mnl_attr_get_payload(attr), host_mac, sizeof(host_mac)) == 0;
	else if (mnl_attr_get_type(attr) == IFLA_LINKINFO)
		return mnl_attr_parse_nested(attr, link_info_attr, data);
	return MNL_CB_OK;
}

static int link_found(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct found_link *found = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	found->index = (unsigned)ifi->ifi_index;
	return mnl_attr_parse(nlh, sizeof(*ifi), link_attr, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

int cc_cell_net_destroy(uint32_t index, struct cc_err *err)
{
	struct found_link found = {0};
	char name[IF_NAMESIZE];
	struct cc_rtnl host;
	struct nlmsghdr *nlh;
	const char *failed;
	int rc;

	cc_cell_host_link(index, name);
	rc = cc_rtnl_open(&host, -1);
	if (rc < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot open rtnetlink");
	nlh = cc_rtnl_add(&host, RTM_GETLINK, 0, "looking up the cell's link");
	cc_rtnl_link(nlh, 0, false);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	rc = cc_rtnl_send(&host, link_found, &found, &failed);
	if (rc == 0 && !(found.veth && found.cell_mac)) {
		cc_rtnl_close(&host);
		return cc_fail(err, CC_ERR_CONFLICT,
			       "%s is not a cell's link (a veth pair whose host end has address ee:ee:ee:ee:ee:ee); "
			       "chatcell leaves it alone",
			       name);
	}
	if (rc == 0)
		rc = delete_link(&host, found.index, &failed);
	cc_rtnl_close(&host);
	/* Gone already: the cell's namespace ended and took the pair along. */
	if (rc == 0 || rc == -ENODEV)
		return 0;
	return cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot remove the network of cell %u (%s)", index, failed);
}
