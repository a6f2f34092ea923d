/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* rtnetlink requests to one network namespace, batched: each request of a
 * batch is sent in one sendmsg() and answered by its own acknowledgement,
 * so setting up a link costs a few system calls, not a process per step.
 * Errors are negative errnos; cell_net.c says what they mean. */
#ifndef CHATCELL_RTNL_H
#define CHATCELL_RTNL_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CC_RTNL_BATCH_MAX 12
#define CC_RTNL_MSG_MAX 256 /* every request chatcell makes fits */

struct cc_rtnl {
	struct mnl_socket *nl;
	uint32_t seq;                         /* of the batch's first request */
	unsigned count;                       /* requests in the batch */
	size_t len;                           /* bytes before the last request */
	bool overflow;                        /* more than the batch holds was asked */
	const char *what[CC_RTNL_BATCH_MAX];  /* each request in words, for errors */
	char buf[CC_RTNL_BATCH_MAX * CC_RTNL_MSG_MAX] __attribute__((aligned(4)));
};

/* A socket in the network namespace `netns_fd` (-1: the caller's own). The
 * calling thread enters that namespace for the socket() call only. */
int cc_rtnl_open(struct cc_rtnl *r, int netns_fd);
void cc_rtnl_close(struct cc_rtnl *r);

/* Start the next request of the batch (NLM_F_REQUEST | NLM_F_ACK | flags).
 * `what` names it in an error message ("adding the cell's IPv4 address"). */
struct nlmsghdr *cc_rtnl_add(struct cc_rtnl *r, uint16_t type, uint16_t flags, const char *what);

/* Send the batch and wait for every answer. A data answer (a GETLINK's
 * link) goes to `cb`. Returns 0, or the first refusal as -errno with
 * `*failed` naming its request. The batch is empty afterwards. */
int cc_rtnl_send(struct cc_rtnl *r, mnl_cb_t cb, void *data, const char **failed);

/* The index of link `name` in the socket's namespace, or -errno. */
int cc_rtnl_ifindex(struct cc_rtnl *r, const char *name);

/* Requests (each starts with cc_rtnl_add): an address with its prefix;
 * a route to dst/dst_len (dst_len 0: the default) through `gateway` (NULL:
 * directly on the link) out of `oif`; a permanent neighbour entry; a link
 * brought up. Addresses are in network byte order. */
void cc_rtnl_addr(struct nlmsghdr *nlh, int family, unsigned ifindex, const uint8_t *addr, uint8_t prefix_len,
		  uint32_t flags);
void cc_rtnl_route(struct nlmsghdr *nlh, int family, const uint8_t *dst, uint8_t dst_len, const uint8_t *gateway,
		   unsigned oif, bool onlink);
void cc_rtnl_neigh(struct nlmsghdr *nlh, int family, unsigned ifindex, const uint8_t *addr, const uint8_t *lladdr);
struct ifinfomsg *cc_rtnl_link(struct nlmsghdr *nlh, unsigned ifindex, bool up);

#endif
