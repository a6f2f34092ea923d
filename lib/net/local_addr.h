/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Is an address the host's own? An answer naming one would let the chat
 * past everything but its egress table into the host's services (a
 * packet from a cell to a host address is delivered, not forwarded): the
 * DNS gate and `--host` rules drop such addresses whatever their kind,
 * like the gateway's. The
 * kernel's own route lookup answers it (RTM_GETROUTE), so addresses added
 * later, and local routes (AnyIP), count too. One request without an
 * acknowledgement, on a socket kept open: it runs for every address of
 * every answer, where rtnl.c's batches would add a receive. */
#ifndef CHATCELL_LOCAL_ADDR_H
#define CHATCELL_LOCAL_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "config/conf.h"

/* A route socket for the questions below, or -1 (errno). */
int cc_local_route_open(void);

/* 1: `addr` (4 or 16 bytes by `family`) is an address of this host (a
 * local, broadcast, anycast or multicast route); 0: it is not (or has no
 * route); -1: the kernel could not be asked (the caller drops it). */
int cc_addr_is_local(int fd, int family, const uint8_t *addr);

/* May an address a name resolved to be opened for a chat (the DNS gate's
 * answers, `--host` rules)? Never the host's loopback, a cell, the cells'
 * gateway (dns/addr_kind.h) or any address of the host's own (route_fd
 * from cc_local_route_open; unknown counts as the host's); a private one
 * only with private_ok. *is_private says whether it is private. */
bool cc_addr_may_open(const struct cc_config *config, int route_fd, int family, const uint8_t *addr, bool private_ok,
		      bool *is_private);

#endif
