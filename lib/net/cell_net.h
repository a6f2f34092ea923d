/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A cell's network: a veth pair routed through the host (Calico's
 * pattern). The cell's end, "eth0" in the cell's network namespace, holds
 * the cell's IPv4 /32 and IPv6 /128 and routes everything through the
 * link-local gateways 169.254.1.1 and fe80::1; the host's end, "cc<index>"
 * in the caller's namespace, answers for them and carries a /32 and a /128
 * route back to the cell. No forwarding and no NAT: that is the host's
 * egress plane. Deleting either end removes the pair, so a cell whose
 * namespace ends leaves nothing on the host. */
#ifndef CHATCELL_CELL_NET_H
#define CHATCELL_CELL_NET_H

#include "base/error.h"
#include "net/cell_addr.h"

/* Build the cell's network in `netns_fd` (a network namespace descriptor,
 * such as /proc/PID/ns/net of the cell's keeper), its loopback included.
 * On failure nothing of it is left behind. */
int cc_cell_net_create(const struct cc_cell_addrs *addrs, int netns_fd, struct cc_err *err);

/* Remove the pair of cell `index` (nothing to do if it is gone already).
 * A link of that name that chatcell did not make is left alone (an error). */
int cc_cell_net_destroy(uint32_t index, struct cc_err *err);

#endif
