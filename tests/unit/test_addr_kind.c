/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Address kinds for the DNS gate's rebinding check (lib/dns/addr_kind.h):
 * both edges of every range, the cell ranges, and IPv4 inside IPv6. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "cmocka_all.h"

#include "dns/addr_kind.h"

#define F CC_ADDR_FORBIDDEN
#define P CC_ADDR_PRIVATE
#define O CC_ADDR_PUBLIC /* open */

struct kind_case {
	const char *addr;
	enum cc_addr_kind kind;
};

/* The default cell ranges, 10.77.0.0/16 and fde8:edd2:e0ff::/48. */
static const uint8_t cells4_net[4] = {10, 77, 0, 0};
static const uint8_t cells6_net[16] = {0xfd, 0xe8, 0xed, 0xd2, 0xe0, 0xff};
static const struct cc_addr_prefix cells4 = {cells4_net, 16};
static const struct cc_addr_prefix cells6 = {cells6_net, 48};

static void check(const struct kind_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t addr[16];
		int family = strchr(cases[i].addr, ':') ? AF_INET6 : AF_INET;
		enum cc_addr_kind got;

		assert_int_equal(inet_pton(family, cases[i].addr, addr), 1);
		got = cc_addr_kind(family, addr, cells4, cells6);
		if (got != cases[i].kind)
			fail_msg("%s: kind %d, expected %d", cases[i].addr, got, cases[i].kind);
	}
}

static void ipv4_edges(void **state)
{
	static const struct kind_case cases[] = {
		{"0.0.0.0", F},         {"0.255.255.255", F},   {"1.0.0.0", O},         {"9.255.255.255", O},
		{"10.0.0.0", P},        {"10.76.255.255", P},   {"10.77.0.0", F},       {"10.77.0.1", F},
		{"10.77.255.255", F},   {"10.78.0.0", P},       {"10.255.255.255", P},  {"11.0.0.0", O},
		{"100.63.255.255", O},  {"100.64.0.0", P},      {"100.127.255.255", P}, {"100.128.0.0", O},
		{"126.255.255.255", O}, {"127.0.0.0", F},       {"127.0.0.1", F},       {"127.255.255.255", F},
		{"128.0.0.0", O},       {"169.253.255.255", O}, {"169.254.0.0", P},     {"169.254.255.255", P},
		{"169.254.1.1", F}, /* the cells' gateway: the host */
		{"169.254.1.0", P},     {"169.254.1.2", P},     {"169.255.0.0", O},     {"172.15.255.255", O},  {"172.16.0.0", P},      {"172.31.255.255", P},
		{"172.32.0.0", O},      {"191.255.255.255", O}, {"192.0.0.0", P},       {"192.0.0.255", P},
		{"192.0.1.0", O},       {"192.0.2.1", O},       {"192.167.255.255", O}, {"192.168.0.0", P},
		{"192.168.255.255", P}, {"192.169.0.0", O},     {"8.8.8.8", O},         {"223.255.255.255", O},
		{"224.0.0.0", F},       {"239.255.255.255", F}, {"240.0.0.0", F},       {"255.255.255.254", F},
		{"255.255.255.255", F},
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]));
}

static void ipv6_edges(void **state)
{
	static const struct kind_case cases[] = {
		{"::", F},
		{"::1", F},
		{"fe80::1", F}, /* the cells' gateway: the host */
		{"fe80::2", P},
		{"::2", F}, /* IPv4-compatible 0.0.0.2 */
		{"::8.8.8.8", O},
		{"::ffff:8.8.8.8", O},
		{"::ffff:127.0.0.1", F},
		{"::ffff:10.0.0.1", P},
		{"::ffff:10.77.0.5", F}, /* a cell, mapped */
		{"::ffff:224.0.0.1", F},
		{"::fffe:7f00:1", O}, /* neither mapped nor compatible */
		{"::1:0:0:1", O},
		{"64:ff9b::8.8.8.8", O},
		{"64:ff9b::127.0.0.1", F},
		{"64:ff9b::192.168.1.1", P},
		{"64:ff9b:1::1", P},
		{"64:ff9b:2::1", O},
		{"2001:4860:4860::8888", O},
		{"2001:db8::1", O},
		{"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", O},
		{"fc00::", P},
		{"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", P},
		{"fde8:edd2:e0fe:ffff:ffff:ffff:ffff:ffff", P},
		{"fde8:edd2:e0ff::", F},
		{"fde8:edd2:e0ff::1", F},
		{"fde8:edd2:e0ff:ffff:ffff:ffff:ffff:ffff", F},
		{"fde8:edd2:e100::", P},
		{"fe00::", O},
		{"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", O},
		{"fe80::", P},
		{"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", P},
		{"fec0::", P},
		{"feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", P},
		{"ff00::", F},
		{"ff02::1", F},
		{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", F},
	};

	(void)state;
	check(cases, sizeof(cases) / sizeof(cases[0]));
}

static void cell_ranges_as_given(void **state)
{
	static const uint8_t odd4[4] = {192, 0, 2, 0};
	static const uint8_t odd6[16] = {0x20, 0x01, 0x0d, 0xb8};
	const struct cc_addr_prefix none = {NULL, 0};
	const struct cc_addr_prefix narrow4 = {odd4, 30}, narrow6 = {odd6, 126};
	uint8_t a[16] = {192, 0, 2, 3}, b[16] = {192, 0, 2, 4};
	uint8_t c[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 3}, d[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 4};

	(void)state;
	assert_int_equal(cc_addr_kind(AF_INET, a, narrow4, narrow6), F);
	assert_int_equal(cc_addr_kind(AF_INET, b, narrow4, narrow6), O);
	assert_int_equal(cc_addr_kind(AF_INET6, c, narrow4, narrow6), F);
	assert_int_equal(cc_addr_kind(AF_INET6, d, narrow4, narrow6), O);
	/* No cell ranges given: the fixed ranges alone. */
	a[0] = 10;
	a[1] = 77;
	assert_int_equal(cc_addr_kind(AF_INET, a, none, none), P);
	/* A prefix length past the address's bits is read as the whole address. */
	assert_int_equal(cc_addr_kind(AF_INET, b, (struct cc_addr_prefix){b, 99}, none), F);
	/* Any other family is nowhere to go. */
	assert_int_equal(cc_addr_kind(AF_UNIX, a, cells4, cells6), F);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv4_edges),
		cmocka_unit_test(ipv6_edges),
		cmocka_unit_test(cell_ranges_as_given),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
