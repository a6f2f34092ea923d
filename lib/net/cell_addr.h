/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A cell's place on the host's network, computed from its index alone: its
 * IPv4 /32 and IPv6 /128 from the configured ranges, and the name of its
 * link on the host. The same index always gives the same answer. */
#ifndef CHATCELL_CELL_ADDR_H
#define CHATCELL_CELL_ADDR_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "config/conf.h"
#include "dns/addr_kind.h"

/* Inside every cell: its end of the pair and the gateway it routes through,
 * link-local addresses that mean "the host" on every cell's link (Calico's
 * pattern). The host end answers for the gateway with this fixed MAC. */
#define CC_CELL_LINK "eth0"
#define CC_CELL_GATEWAY4 CC_ADDR_GATEWAY4 /* 169.254.1.1 */
#define CC_CELL_GATEWAY6 CC_ADDR_GATEWAY6 /* fe80::1 */
#define CC_CELL_HOST_MAC {0xee, 0xee, 0xee, 0xee, 0xee, 0xee}

/* The host's end of cell N's link is named CC_CELL_HOST_LINK_PREFIX "<N>".
 * The host's table can only match names by prefix, so it takes every link
 * with this prefix for a cell's; init warns about other links named so. */
#define CC_CELL_HOST_LINK_PREFIX "cc"

struct cc_cell_addrs {
	uint32_t index;
	uint8_t ipv4[4];  /* network byte order */
	uint8_t ipv6[16];
	char host_link[IF_NAMESIZE]; /* "cc<index>" */
};

/* How many cells the ranges have room for (each range's first address and
 * the IPv4 range's last one are never given out). */
uint64_t cc_cell_capacity(const struct cc_config *config);

/* The name of cell `index`'s link on the host. */
void cc_cell_host_link(uint32_t index, char out[IF_NAMESIZE]);

/* Is `name` exactly the name of a cell's host link? Its index in *index. */
bool cc_cell_host_link_index(const char *name, uint32_t *index);

/* Does `name` start as cells' host links do, whether or not it is one? */
bool cc_cell_host_link_like(const char *name);

/* The addresses of cell `index` (0 .. capacity - 1). */
int cc_cell_addrs(const struct cc_config *config, uint32_t index, struct cc_cell_addrs *out,
		  struct cc_err *err);

#endif
