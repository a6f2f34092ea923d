/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A cell's addresses from its index: exact addresses at both ends of the
 * default ranges, the capacity of narrow ranges, and the refusal past it. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cmocka_all.h"

#include "net/cell_addr.h"

static void addrs_of(const struct cc_config *config, uint32_t index, char *out, size_t len)
{
	struct cc_cell_addrs a;
	struct cc_err err = {0};
	char v4[INET_ADDRSTRLEN], v6[INET6_ADDRSTRLEN];

	if (cc_cell_addrs(config, index, &a, &err) != 0)
		fail_msg("unexpected error: %s", err.msg);
	assert_int_equal(a.index, index);
	inet_ntop(AF_INET, a.ipv4, v4, sizeof(v4));
	inet_ntop(AF_INET6, a.ipv6, v6, sizeof(v6));
	snprintf(out, len, "%s %s %s", a.host_link, v4, v6);
}

static void configured(struct cc_config *c, const char *text)
{
	struct cc_err err = {0};

	cc_config_defaults(c);
	if (cc_config_parse(c, text, "t.conf", &err) != 0)
		fail_msg("unexpected error: %s", err.msg);
}

static void default_ranges(void **state)
{
	struct cc_config c;
	char got[128];

	(void)state;
	cc_config_defaults(&c);
	assert_int_equal(cc_cell_capacity(&c), 65534);
	addrs_of(&c, 0, got, sizeof(got));
	assert_string_equal(got, "cc0 10.77.0.1 fde8:edd2:e0ff::1");
	addrs_of(&c, 1, got, sizeof(got));
	assert_string_equal(got, "cc1 10.77.0.2 fde8:edd2:e0ff::2");
	addrs_of(&c, 254, got, sizeof(got));
	assert_string_equal(got, "cc254 10.77.0.255 fde8:edd2:e0ff::ff");
	addrs_of(&c, 65533, got, sizeof(got));
	assert_string_equal(got, "cc65533 10.77.255.254 fde8:edd2:e0ff::fffe");
}

static void refuses_past_the_ranges(void **state)
{
	struct cc_config c;
	struct cc_cell_addrs a;
	struct cc_err err = {0};

	(void)state;
	cc_config_defaults(&c);
	assert_int_equal(cc_cell_addrs(&c, 65534, &a, &err), -1);
	assert_int_equal(err.kind, CC_ERR_CONFLICT);
	assert_string_equal(err.msg, "cell 65534 is beyond the 65534 cells that cell_ipv4_range and cell_ipv6_range "
				     "have room for; widen them in chatcell.conf");
	assert_int_equal(cc_cell_addrs(&c, UINT32_MAX, &a, &err), -1);
}

static void the_narrower_range_decides(void **state)
{
	struct cc_config c;
	char got[128];

	(void)state;
	configured(&c, "cell_ipv4_range = 192.0.2.0/30\n");
	assert_int_equal(cc_cell_capacity(&c), 2);
	addrs_of(&c, 1, got, sizeof(got));
	assert_string_equal(got, "cc1 192.0.2.2 fde8:edd2:e0ff::2");
	configured(&c, "cell_ipv4_range = 10.0.0.0/8\ncell_ipv6_range = 2001:db8::ff00/120\n");
	assert_int_equal(cc_cell_capacity(&c), 255);
	addrs_of(&c, 254, got, sizeof(got));
	assert_string_equal(got, "cc254 10.0.0.255 2001:db8::ffff");
	/* An IPv6 range with room for more than 2^32 leaves IPv4 to decide. */
	configured(&c, "cell_ipv4_range = 10.0.0.0/8\ncell_ipv6_range = fd00:1:2:3:4:5::/96\n");
	assert_int_equal(cc_cell_capacity(&c), (1u << 24) - 2);
	addrs_of(&c, 65535, got, sizeof(got));
	assert_string_equal(got, "cc65535 10.1.0.0 fd00:1:2:3:4:5:1:0");
}

static void names_of_host_links(void **state)
{
	static const char *const not_cells[] = {"cc", "cc01", "cc+1", "cc-1", "cc1x", "ccfoo", "cc4294967296", "eth0"};
	char name[IF_NAMESIZE];
	uint32_t index = 7;

	(void)state;
	cc_cell_host_link(4294967295u, name);
	assert_string_equal(name, "cc4294967295");
	assert_true(cc_cell_host_link_index(name, &index));
	assert_int_equal(index, 4294967295u);
	assert_true(cc_cell_host_link_index("cc0", &index));
	assert_int_equal(index, 0);
	for (size_t i = 0; i < sizeof(not_cells) / sizeof(not_cells[0]); i++) {
		index = 7;
		assert_false(cc_cell_host_link_index(not_cells[i], &index));
		assert_int_equal(index, 7); /* untouched */
	}
	assert_true(cc_cell_host_link_like("ccfoo"));
	assert_false(cc_cell_host_link_like("c0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_ranges),
		cmocka_unit_test(refuses_past_the_ranges),
		cmocka_unit_test(the_narrower_range_decides),
		cmocka_unit_test(names_of_host_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
