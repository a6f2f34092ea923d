/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Is an address the host's own? An answer naming one would let the chat
 * past everything but its egress table into the host's services (a
 * packet from a cell to a host address is delivered, not forwarded): the
 * gate drops such addresses whatever their kind, like the gateway's. The
 * kernel's own route lookup answers it (RTM_GETROUTE), so addresses added
 * later, and local routes (AnyIP), count too. One request without an
 * acknowledgement, on a socket kept open: it runs for every address of
 * every answer, where lib/net/rtnl.c's batches would add a receive. */
#ifndef CHATCELL_GATE_LOCAL_H
#define CHATCELL_GATE_LOCAL_H

#include <stdint.h>

/* A route socket for the questions below, or -1 (errno). */
int gate_local_open(void);

/* 1: `addr` (4 or 16 bytes by `family`) is an address of this host (a
 * local, broadcast, anycast or multicast route); 0: it is not (or has no
 * route); -1: the kernel could not be asked (the caller drops it). */
int gate_addr_is_local(int fd, int family, const uint8_t *addr);

#endif
