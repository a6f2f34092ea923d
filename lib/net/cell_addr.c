/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net/cell_addr.h"

#include "base/parse_number.h"

#include <stdio.h>
#include <string.h>

/* Addresses a range of prefix_len in an address of `bits` can hand out,
 * capped at 2^32 (more than any index). */
static uint64_t room(unsigned bits, unsigned prefix_len, uint64_t unused)
{
	unsigned host_bits = bits - prefix_len;

	return host_bits > 32 ? (1ull << 32) : (1ull << host_bits) - unused;
}

uint64_t cc_cell_capacity(const struct cc_config *config)
{
	/* IPv4 keeps the range's first and last address (they read as a
	 * network and a broadcast address); IPv6 keeps the first (the
	 * subnet-router anycast address). */
	uint64_t v4 = room(32, config->cell_ipv4_range.prefix_len, 2);
	uint64_t v6 = room(128, config->cell_ipv6_range.prefix_len, 1);

	return v4 < v6 ? v4 : v6;
}

/* addr += n, big-endian, over len bytes. */
static void add_to(uint8_t *addr, size_t len, uint64_t n)
{
	for (size_t i = len; i-- > 0 && n;) {
		n += addr[i];
		addr[i] = (uint8_t)n;
		n >>= 8;
	}
}

void cc_cell_host_link(uint32_t index, char out[IF_NAMESIZE])
{
	snprintf(out, IF_NAMESIZE, CC_CELL_HOST_LINK_PREFIX "%u", index);
}

bool cc_cell_host_link_index(const char *name, uint32_t *index)
{
	char canonical[IF_NAMESIZE];
	uint64_t n;

	if (!cc_cell_host_link_like(name) ||
	    cc_parse_u64(name + strlen(CC_CELL_HOST_LINK_PREFIX), 0, UINT32_MAX, &n) < 0)
		return false;
	/* "cc01" or "cc+1" is not what cc_cell_host_link makes. */
	cc_cell_host_link((uint32_t)n, canonical);
	if (strcmp(canonical, name) != 0)
		return false;
	*index = (uint32_t)n;
	return true;
}

bool cc_cell_host_link_like(const char *name)
{
	return strncmp(name, CC_CELL_HOST_LINK_PREFIX, strlen(CC_CELL_HOST_LINK_PREFIX)) == 0;
}

int cc_cell_addrs(const struct cc_config *config, uint32_t index, struct cc_cell_addrs *out, struct cc_err *err)
{
	uint64_t capacity = cc_cell_capacity(config);

	if (index >= capacity)
		return cc_fail(err, CC_ERR_CONFLICT,
			       "cell %u is beyond the %llu cells that cell_ipv4_range and cell_ipv6_range have room "
			       "for; widen them in chatcell.conf",
			       index, (unsigned long long)capacity);
	memset(out, 0, sizeof(*out));
	out->index = index;
	memcpy(out->ipv4, config->cell_ipv4_range.addr, sizeof(out->ipv4));
	add_to(out->ipv4, sizeof(out->ipv4), (uint64_t)index + 1);
	memcpy(out->ipv6, config->cell_ipv6_range.addr, sizeof(out->ipv6));
	add_to(out->ipv6, sizeof(out->ipv6), (uint64_t)index + 1);
	cc_cell_host_link(index, out->host_link);
	return 0;
}
