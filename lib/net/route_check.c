/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net/route_check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "net/cell_addr.h"
#include "net/rtnl.h"

struct route_scan {
	const struct cc_ip_range *range;
	int family;
	bool found;
	char route[INET6_ADDRSTRLEN + 4];
	char link[IF_NAMESIZE];
};

/* Do prefixes a/alen and b/blen share an address? Yes if they agree on
 * the bits of the shorter one. */
static bool prefixes_overlap(const uint8_t *a, unsigned alen, const uint8_t *b, unsigned blen)
{
	unsigned bits = alen < blen ? alen : blen;

	for (unsigned bit = 0; bit < bits; bit++) {
		uint8_t mask = (uint8_t)(0x80 >> (bit % 8));

		if ((a[bit / 8] & mask) != (b[bit / 8] & mask))
			return false;
	}
	return true;
}

static int on_route(const struct nlmsghdr *nlh, void *data)
{
	struct route_scan *scan = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	const uint8_t *dst = NULL;
	uint32_t table = rtm->rtm_table, oif = 0;

	if (scan->found || rtm->rtm_family != scan->family || rtm->rtm_dst_len == 0 || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(attr)) {
		case RTA_DST:
			dst = mnl_attr_get_payload(attr);
			break;
		case RTA_TABLE:
			table = mnl_attr_get_u32(attr);
			break;
		case RTA_OIF:
			oif = mnl_attr_get_u32(attr);
			break;
		default:
			break;
		}
	}
	if (!dst || table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	if (!oif || !if_indextoname(oif, scan->link))
		snprintf(scan->link, sizeof(scan->link), "?");
	if (cc_cell_host_link_index(scan->link, &(uint32_t){0})) /* a cell's own route */
		return MNL_CB_OK;
	if (prefixes_overlap(dst, rtm->rtm_dst_len, scan->range->addr, scan->range->prefix_len)) {
		char text[INET6_ADDRSTRLEN];

		inet_ntop(scan->family, dst, text, sizeof(text));
		snprintf(scan->route, sizeof(scan->route), "%s/%u", text, rtm->rtm_dst_len);
		scan->found = true;
	}
	return MNL_CB_OK;
}

/* Dump the routes of one family through `scan`; 0 or -errno. */
static int scan_routes(struct cc_rtnl *r, struct route_scan *scan)
{
	char buf[16384] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	uint32_t seq = (uint32_t)time(NULL), portid = mnl_socket_get_portid(r->nl);

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)scan->family;
	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		int rc;

		if (len < 0)
			return -errno;
		rc = mnl_cb_run(buf, (size_t)len, seq, portid, on_route, scan);
		if (rc < 0)
			return -errno;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

int cc_cell_ranges_check_routes(const struct cc_config *config, struct cc_err *err)
{
	static const struct {
		int family;
		const char *key;
	} families[] = {{AF_INET, "cell_ipv4_range"}, {AF_INET6, "cell_ipv6_range"}};
	struct cc_rtnl r;
	int rc = cc_rtnl_open(&r, -1);

	if (rc < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot open rtnetlink to read the host's routes");
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const struct cc_ip_range *range = families[i].family == AF_INET ? &config->cell_ipv4_range
										: &config->cell_ipv6_range;
		struct route_scan scan = {.range = range, .family = families[i].family};

		rc = scan_routes(&r, &scan);
		if (rc < 0) {
			cc_rtnl_close(&r);
			return cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot read the host's routes (rtnetlink)");
		}
		if (scan.found) {
			char text[INET6_ADDRSTRLEN];

			cc_rtnl_close(&r);
			inet_ntop(scan.family, range->addr, text, sizeof(text));
			return cc_fail(err, CC_ERR_CONFIG,
				       "%s %s/%u overlaps the host's route to %s (dev %s); choose a range the host does "
				       "not route elsewhere in chatcell.conf",
				       families[i].key, text, range->prefix_len, scan.route, scan.link);
		}
	}
	cc_rtnl_close(&r);
	return 0;
}
