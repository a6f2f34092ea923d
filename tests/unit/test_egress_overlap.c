/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which allowlist entries overlap (the kernel refuses overlapping entries
 * of one chat in an interval set, so chatcell-admin refuses them first). */
#include "cmocka_all.h"

#include "egress/egress_nft.h"

static struct cc_egress_rule rule(const char *text)
{
	struct cc_egress_rule r;
	struct cc_err err;

	if (cc_egress_parse_rule(text, &r, &err) < 0)
		fail_msg("%s", err.msg);
	return r;
}

static void overlap(const char *a, const char *b, bool expected)
{
	struct cc_egress_rule ra = rule(a), rb = rule(b);

	assert_int_equal(cc_nft_rules_overlap(&ra, &rb), expected);
	assert_int_equal(cc_nft_rules_overlap(&rb, &ra), expected);
}

static void addresses_and_prefixes(void **state)
{
	overlap("127.0.0.2 tcp 80", "127.0.0.2 tcp 80", true);
	overlap("127.0.0.0/29 tcp 80", "127.0.0.7 tcp 80", true);
	overlap("127.0.0.0/29 tcp 80", "127.0.0.8 tcp 80", false);
	overlap("10.0.0.0/8 tcp 80", "10.255.255.255 tcp 80", true);
	overlap("0.0.0.0/0 tcp 80", "192.0.2.1 tcp 80", true);
	overlap("2001:db8::/32 tcp 80", "2001:db8:ffff::1 tcp 80", true);
	overlap("2001:db8::/32 tcp 80", "2001:db9::1 tcp 80", false);
}

static void ports_protocols_families(void **state)
{
	overlap("127.0.0.2 tcp 80-90", "127.0.0.2 tcp 90-100", true);
	overlap("127.0.0.2 tcp 80-89", "127.0.0.2 tcp 90-100", false);
	overlap("127.0.0.2 tcp 80", "127.0.0.2 udp 80", false);
	overlap("0.0.0.0/0 tcp 80", "::/0 tcp 80", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addresses_and_prefixes),
		cmocka_unit_test(ports_protocols_families),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
