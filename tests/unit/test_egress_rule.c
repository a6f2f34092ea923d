/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Egress rule syntax: ADDRESS[/PREFIX] tcp|udp PORT[-PORT]. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "cmocka_all.h"

#include "base/egress_rule.h"

static void round_trip(const char *text, const char *expected)
{
	struct cc_egress_rule rule;
	struct cc_err err;
	char out[128];

	assert_int_equal(cc_egress_parse_rule(text, &rule, &err), 0);
	cc_egress_format_rule(&rule, out, sizeof(out));
	assert_string_equal(out, expected);
}

static void parses_valid_rules(void **state)
{
	round_trip("203.0.113.0/24 tcp 443", "203.0.113.0/24 tcp 443");
	round_trip("127.0.0.2 tcp 8000", "127.0.0.2/32 tcp 8000");
	round_trip("2001:db8::/32 udp 53-54", "2001:db8::/32 udp 53-54");
	round_trip("::1 tcp 1-65535", "::1/128 tcp 1-65535");
	round_trip("0.0.0.0/0 udp 123", "0.0.0.0/0 udp 123");
	round_trip("  10.0.0.0/8\ttcp   22 ", "10.0.0.0/8 tcp 22");
}

static void rejects(const char *text, const char *why_expected)
{
	struct cc_egress_rule rule;
	struct cc_err err;

	assert_int_equal(cc_egress_parse_rule(text, &rule, &err), -1);
	assert_int_equal(err.kind, CC_ERR_INVALID);
	assert_string_equal(err.msg, why_expected);
}

static void rejects_malformed_rules(void **state)
{
	rejects("203.0.113.0/24 tcp", "expected 'ADDRESS[/PREFIX] tcp|udp PORT[-PORT]', got '203.0.113.0/24 tcp'");
	rejects("203.0.113.0/24 tcp 443 extra",
		"expected 'ADDRESS[/PREFIX] tcp|udp PORT[-PORT]', got '203.0.113.0/24 tcp 443 extra'");
	rejects("203.0.113.7/24 tcp 443", "'203.0.113.7/24' has host bits set below the /24 prefix");
	rejects("203.0.113.0/33 tcp 443", "prefix length '33' is not a number from 0 to 32");
	rejects("2001:db8::/129 tcp 443", "prefix length '129' is not a number from 0 to 128");
	rejects("example.com tcp 443", "'example.com' is not an IPv4 or IPv6 address");
	rejects("256.1.1.1 tcp 443", "'256.1.1.1' is not an IPv4 or IPv6 address");
	rejects("10.0.0.1 icmp 1", "unknown protocol 'icmp' (expected tcp or udp)");
	rejects("10.0.0.1 tcp 0", "port '0' must be a number from 1 to 65535 or a range FIRST-LAST within it");
	rejects("10.0.0.1 tcp 65536", "port '65536' must be a number from 1 to 65535 or a range FIRST-LAST within it");
	rejects("10.0.0.1 tcp 90-80", "port '90-80' must be a number from 1 to 65535 or a range FIRST-LAST within it");
	rejects("10.0.0.1 tcp -5", "port '-5' must be a number from 1 to 65535 or a range FIRST-LAST within it");
	rejects("10.0.0.1/ tcp 5", "prefix length '' is not a number from 0 to 32");
}

static void prefix_fields_are_exact(void **state)
{
	struct cc_egress_rule rule;
	struct cc_err err;
	const uint8_t expected[4] = {198, 51, 100, 0};

	assert_int_equal(cc_egress_parse_rule("198.51.100.0/24 udp 53", &rule, &err), 0);
	assert_int_equal(rule.family, AF_INET);
	assert_memory_equal(rule.addr, expected, 4);
	assert_int_equal(rule.prefix_len, 24);
	assert_int_equal(rule.proto, IPPROTO_UDP);
	assert_int_equal(rule.port_first, 53);
	assert_int_equal(rule.port_last, 53);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_valid_rules),
		cmocka_unit_test(rejects_malformed_rules),
		cmocka_unit_test(prefix_fields_are_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
