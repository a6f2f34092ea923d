/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The Landlock rights a ruleset handles on each ABI (an older kernel
 * refuses a ruleset that names rights it does not know), and what init and
 * show say about it. The ruleset itself is tested for real in
 * tests/adversarial/surface.sh. */
#include <linux/landlock.h>
#include <string.h>

#include "cmocka_all.h"
#include "sandbox/landlock.h"

static void rights_grow_with_the_abi(void **state)
{
	const uint64_t abi1 = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;

	(void)state;
	assert_int_equal(cc_landlock_fs_rights(0), 0);
	assert_int_equal(cc_landlock_fs_rights(1), abi1);
	assert_int_equal(cc_landlock_fs_rights(2), abi1 | 1ull << 13);              /* REFER */
	assert_int_equal(cc_landlock_fs_rights(3), abi1 | 1ull << 13 | 1ull << 14); /* TRUNCATE */
	assert_int_equal(cc_landlock_fs_rights(4), cc_landlock_fs_rights(3));       /* network only */
	assert_int_equal(cc_landlock_fs_rights(5), cc_landlock_fs_rights(3) | 1ull << 15); /* IOCTL_DEV */
	assert_int_equal(cc_landlock_fs_rights(7), cc_landlock_fs_rights(5));
}

static void describes_what_is_restricted(void **state)
{
	struct cc_config config;
	char text[160];

	(void)state;
	cc_config_defaults(&config);
	cc_landlock_describe(3, &config, text, sizeof(text));
	assert_string_equal(text, "files (ABI 3)");
	cc_landlock_describe(7, &config, text, sizeof(text));
	assert_string_equal(text, "files (ABI 7), abstract unix sockets");
	config.bind_port_ranges = 1;
	cc_landlock_describe(3, &config, text, sizeof(text));
	assert_string_equal(text, "files (ABI 3), TCP bind needs ABI 4");
	cc_landlock_describe(6, &config, text, sizeof(text));
	assert_string_equal(text, "files (ABI 6), TCP bind, abstract unix sockets");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rights_grow_with_the_abi),
		cmocka_unit_test(describes_what_is_restricted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
