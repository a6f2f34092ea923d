/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NSS view's record formats and the no-system-call pre-filters. */
#include <string.h>

#include "cmocka_all.h"

#include "view/view_format.h"

static void params_round_trip(void **state)
{
	struct cc_view_params in = {.prefix = "chat-", .uid_min = 1879048192, .uid_max = 1880096767,
				    .home_base = "/home/chatcell", .shell = "/bin/bash"};
	struct cc_view_params out;
	char text[CC_VIEW_PARAMS_MAX];

	assert_int_equal(cc_view_params_format(&in, text, sizeof(text)), 68);
	assert_string_equal(text, "chatcell-view-1 chat- 1879048192 1880096767 /home/chatcell /bin/bash");
	assert_int_equal(cc_view_params_parse(text, &out), 0);
	assert_string_equal(out.prefix, "chat-");
	assert_int_equal(out.uid_min, 1879048192);
	assert_int_equal(out.uid_max, 1880096767);
	assert_string_equal(out.home_base, "/home/chatcell");
	assert_string_equal(out.shell, "/bin/bash");
}

static void params_reject_anything_unexpected(void **state)
{
	const char *bad[] = {
		"",
		"chatcell-view-2 chat- 70000 70010 /home/c /bin/sh",
		"chatcell-view-1 chat- 70000 70010 /home/c",
		"chatcell-view-1 chat- 70000 70010 /home/c /bin/sh extra",
		"chatcell-view-1 chat- 0 70010 /home/c /bin/sh",        /* uid 0: below the envelope */
		"chatcell-view-1 chat- 1000 70010 /home/c /bin/sh",     /* below the envelope */
		"chatcell-view-1 chat- 70010 70000 /home/c /bin/sh",    /* inverted */
		"chatcell-view-1 chat- 70000 4294967295 /home/c /bin/sh", /* above 2^31-1 */
		"chatcell-view-1 chat- 70000 70010 home/c /bin/sh",
		"chatcell-view-1 chat- 70000 70010 /home/c /bin/../sh",
		"chatcell-view-1  chat- 70000 70010 /home/c /bin/sh",
	};
	struct cc_view_params out;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cc_view_params_parse(bad[i], &out), -1);
}

static void uid_envelope_excludes_system_and_negative_ids(void **state)
{
	assert_false(cc_view_uid_in_envelope(0));
	assert_false(cc_view_uid_in_envelope(1000));
	assert_false(cc_view_uid_in_envelope(65534));
	assert_false(cc_view_uid_in_envelope(65535));
	assert_true(cc_view_uid_in_envelope(65536));
	assert_true(cc_view_uid_in_envelope(2147483647u));
	assert_false(cc_view_uid_in_envelope(2147483648u));
	assert_false(cc_view_uid_in_envelope(4294967295u));
}

static void name_shape_filter(void **state)
{
	assert_true(cc_view_name_has_chat_shape("chat-0123456789ab"));
	assert_true(cc_view_name_has_chat_shape("c0123456789ab"));
	assert_true(cc_view_name_has_chat_shape("_0123456789ab"));
	assert_true(cc_view_name_has_chat_shape("abcdefghijklmnopqrst0123456789ab"));
	assert_false(cc_view_name_has_chat_shape("abcdefghijklmnopqrstu0123456789ab")); /* 33 bytes */
	assert_false(cc_view_name_has_chat_shape("0123456789ab"));  /* no prefix */
	assert_false(cc_view_name_has_chat_shape("root"));
	assert_false(cc_view_name_has_chat_shape("www-data"));
	assert_false(cc_view_name_has_chat_shape("systemd-network"));
	assert_false(cc_view_name_has_chat_shape("chat-0123456789AB"));
	assert_false(cc_view_name_has_chat_shape("chat-0123456789a"));
	assert_false(cc_view_name_has_chat_shape("Chat-0123456789ab"));
	assert_false(cc_view_name_has_chat_shape("chat/0123456789ab"));
	assert_false(cc_view_name_has_chat_shape("../../0123456789ab"));
	assert_false(cc_view_name_has_chat_shape(""));
}

static void prefix_match(void **state)
{
	assert_true(cc_view_name_matches_prefix("chat-0123456789ab", "chat-"));
	assert_false(cc_view_name_matches_prefix("chat-0123456789ab", "bot-"));
	assert_false(cc_view_name_matches_prefix("chatx0123456789ab", "chat-"));
	assert_false(cc_view_name_matches_prefix("chat-x0123456789ab", "chat-"));
}

static void uid_text(void **state)
{
	uint32_t uid;

	assert_int_equal(cc_view_parse_uid("70000", 70000, 70010, &uid), 0);
	assert_int_equal(uid, 70000);
	assert_int_equal(cc_view_parse_uid("70011", 70000, 70010, &uid), -1);
	assert_int_equal(cc_view_parse_uid("0", 0, 70010, &uid), 0);
	assert_int_equal(cc_view_parse_uid("+7", 0, 70010, &uid), -1);
	assert_int_equal(cc_view_parse_uid("7 ", 0, 70010, &uid), -1);
	assert_int_equal(cc_view_parse_uid("", 0, 70010, &uid), -1);
	assert_int_equal(cc_view_parse_uid("99999999999999999999999", 0, 70010, &uid), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(params_round_trip),
		cmocka_unit_test(params_reject_anything_unexpected),
		cmocka_unit_test(uid_envelope_excludes_system_and_negative_ids),
		cmocka_unit_test(name_shape_filter),
		cmocka_unit_test(prefix_match),
		cmocka_unit_test(uid_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
