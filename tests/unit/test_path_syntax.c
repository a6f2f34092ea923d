/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Paths allowed in chatcell.conf. */
#include "cmocka_all.h"

#include "base/path_syntax.h"

static void accepts_simple_absolute_paths(void **state)
{
	assert_true(cc_path_is_simple_absolute("/", 200));
	assert_true(cc_path_is_simple_absolute("/home/chatcell", 200));
	assert_true(cc_path_is_simple_absolute("/usr/libexec/chatcell/shims", 200));
	assert_true(cc_path_is_simple_absolute("/a/b.c/d_e-f+g@h", 200));
	assert_true(cc_path_is_simple_absolute("/.hidden/..x", 200));
}

static void rejects_everything_else(void **state)
{
	const char *bad[] = {"", "home", "./x", "/home/", "//home", "/home//x", "/home/./x", "/home/../etc",
			     "/..", "/.", "/with space", "/with:colon", "/tab\there", "/new\nline", "/\xc3\xa9"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(cc_path_is_simple_absolute(bad[i], 200));
}

static void enforces_length(void **state)
{
	assert_true(cc_path_is_simple_absolute("/abcd", 5));
	assert_false(cc_path_is_simple_absolute("/abcde", 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_simple_absolute_paths),
		cmocka_unit_test(rejects_everything_else),
		cmocka_unit_test(enforces_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
