/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Address kinds for the gate's rebinding check. Kept simple on purpose:
 * documentation ranges (192.0.2.0/24, 2001:db8::/32 ...) and the 6to4 and
 * Teredo prefixes count as public, since reaching them goes out through the
 * host's route like any public address. */
#include "dns/addr_kind.h"

#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

/* Do the first `bits` bits of addr equal those of net? */
static bool prefix_has(const uint8_t *addr, const uint8_t *net, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;

	if (memcmp(addr, net, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((addr[whole] ^ net[whole]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static bool in_cells(const uint8_t *addr, struct cc_addr_prefix cells, unsigned max_bits)
{
	if (!cells.addr)
		return false;
	return prefix_has(addr, cells.addr, cells.prefix_len < max_bits ? cells.prefix_len : max_bits);
}

struct range {
	uint8_t net[4];
	unsigned bits;
};

static enum cc_addr_kind kind4(const uint8_t *a, struct cc_addr_prefix cells4)
{
	static const struct range private4[] = {
		{{10, 0, 0, 0}, 8},    {{172, 16, 0, 0}, 12},  {{192, 168, 0, 0}, 16},
		{{100, 64, 0, 0}, 10}, {{169, 254, 0, 0}, 16}, {{192, 0, 0, 0}, 24}, /* IETF protocol assignments */
	};

	static const uint8_t gateway4[4] = CC_ADDR_GATEWAY4;

	/* 0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4 reserved
	 * and the broadcast address. */
	if (a[0] == 0 || a[0] == 127 || a[0] >= 224 || in_cells(a, cells4, 32) || memcmp(a, gateway4, 4) == 0)
		return CC_ADDR_FORBIDDEN;
	for (size_t i = 0; i < sizeof(private4) / sizeof(private4[0]); i++)
		if (prefix_has(a, private4[i].net, private4[i].bits))
			return CC_ADDR_PRIVATE;
	return CC_ADDR_PUBLIC;
}

static enum cc_addr_kind kind6(const uint8_t *a, struct cc_addr_prefix cells4, struct cc_addr_prefix cells6)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t compat[12] = {0};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
	static const uint8_t nat64_local[6] = {0, 0x64, 0xff, 0x9b, 0, 1};
	static const uint8_t gateway6[16] = CC_ADDR_GATEWAY6;

	/* An IPv4 address in IPv6 clothes is what it carries; this also
	 * covers :: and ::1 (as 0.0.0.0 and 0.0.0.1). */
	if (memcmp(a, mapped, 12) == 0 || memcmp(a, compat, 12) == 0 || memcmp(a, nat64, 12) == 0)
		return kind4(a + 12, cells4);
	if (a[0] == 0xff || in_cells(a, cells6, 128) || memcmp(a, gateway6, 16) == 0)
		return CC_ADDR_FORBIDDEN;
	/* fc00::/7 ULA, fe80::/10 link-local, fec0::/10 the old site-local,
	 * and 64:ff9b:1::/48, the NAT64 prefix for local use (RFC 8215). */
	if ((a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0x80) == 0x80) || memcmp(a, nat64_local, 6) == 0)
		return CC_ADDR_PRIVATE;
	return CC_ADDR_PUBLIC;
}

enum cc_addr_kind cc_addr_kind(int family, const uint8_t *addr, struct cc_addr_prefix cells4,
			       struct cc_addr_prefix cells6)
{
	if (family == AF_INET)
		return kind4(addr, cells4);
	if (family == AF_INET6)
		return kind6(addr, cells4, cells6);
	return CC_ADDR_FORBIDDEN; /* nothing else is an address to go to */
}
