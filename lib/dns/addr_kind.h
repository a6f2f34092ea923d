/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What an address in a DNS answer points at, for the gate's rebinding
 * check: an answer may not send a chat to the host's loopback, a cell, or
 * (unless its rule says --private) a private network. */
#ifndef CHATCELL_ADDR_KIND_H
#define CHATCELL_ADDR_KIND_H

#include <stdint.h>


enum cc_addr_kind {
	CC_ADDR_PUBLIC,
	/* RFC 1918, 100.64.0.0/10 (CGNAT), 169.254.0.0/16, fc00::/7 (ULA), fe80::/10 */
	CC_ADDR_PRIVATE,
	/* never: 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4 and above, ::, ::1,
	 * ff00::/8, the cell ranges, the cells' gateway; IPv4-mapped and IPv4-compatible IPv6
	 * (::ffff:0:0/96, ::/96) and 64:ff9b::/96 are judged by their IPv4 part */
	CC_ADDR_FORBIDDEN,
};

/* The cells' gateway: the host itself, as every cell sees it (lib/net's
 * CC_CELL_GATEWAY4 and CC_CELL_GATEWAY6 are these). Never a place an answer
 * may send a chat: a learned entry for it would open the host's own
 * services to the cell. */
#define CC_ADDR_GATEWAY4 {169, 254, 1, 1}
#define CC_ADDR_GATEWAY6 {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}

/* A range as chatcell.conf's cell_ipv4_range / cell_ipv6_range hold it. */
struct cc_addr_prefix {
	const uint8_t *addr; /* network byte order */
	unsigned prefix_len;
};

/* cells4 and cells6 are the cell ranges (this plane sits below config). */
enum cc_addr_kind cc_addr_kind(int family, const uint8_t *addr, struct cc_addr_prefix cells4,
			       struct cc_addr_prefix cells6);

#endif
