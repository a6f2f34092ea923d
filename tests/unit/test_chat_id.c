/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The chat ID rule: 1..1024 bytes of well-formed UTF-8, no control characters. */
#include <string.h>

#include "cmocka_all.h"

#include "identity/chat_id.h"

static enum cc_chat_id_verdict check(const char *id, size_t len, size_t *offset)
{
	return cc_chat_id_check(id, len, offset);
}

static void accepts_ordinary_ids(void **state)
{
	const char *ids[] = {"telegram:12345", "+49 170 1234567", "slack/C0123/T99", "Ünïcødé chat ☃", "😀", "x"};
	size_t offset;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		assert_int_equal(check(ids[i], strlen(ids[i]), &offset), CC_CHAT_ID_OK);
}

static void rejects_empty(void **state)
{
	size_t offset;

	assert_int_equal(check("", 0, &offset), CC_CHAT_ID_EMPTY);
}

static void length_limit_is_1024_bytes(void **state)
{
	char id[1025];
	size_t offset;

	memset(id, 'a', sizeof(id));
	assert_int_equal(check(id, 1024, &offset), CC_CHAT_ID_OK);
	assert_int_equal(check(id, 1025, &offset), CC_CHAT_ID_TOO_LONG);
}

static void rejects_control_characters_with_their_offset(void **state)
{
	const struct {
		const char *id;
		size_t len;
		size_t offset;
	} cases[] = {
		{"a\nb", 3, 1},          {"\tab", 3, 0},        {"ab\x7f", 3, 2},
		{"a\0b", 3, 1},          {"ab\xc2\x85", 4, 2}, /* U+0085 NEL, a C1 control */
		{"ok\x1b[31m", 7, 2},
	};
	size_t offset;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(check(cases[i].id, cases[i].len, &offset), CC_CHAT_ID_CONTROL);
		assert_int_equal(offset, cases[i].offset);
	}
}

static void rejects_malformed_utf8(void **state)
{
	const char *cases[] = {
		"\xff",             /* never valid */
		"a\x80",            /* stray continuation */
		"\xc3",             /* truncated */
		"\xc0\xaf",         /* overlong '/' */
		"\xe0\x80\xaf",     /* overlong */
		"\xed\xa0\x80",     /* surrogate U+D800 */
		"\xf4\x90\x80\x80", /* above U+10FFFF */
		"\xe2\x82",         /* truncated euro sign */
	};
	size_t offset;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(check(cases[i], strlen(cases[i]), &offset), CC_CHAT_ID_NOT_UTF8);
	check("ab\xff", 3, &offset);
	assert_int_equal(offset, 2);
}

static void verdict_texts_are_distinct(void **state)
{
	assert_string_equal(cc_chat_id_verdict_text(CC_CHAT_ID_EMPTY), "the chat ID is empty");
	assert_string_equal(cc_chat_id_verdict_text(CC_CHAT_ID_TOO_LONG), "the chat ID is longer than 1024 bytes");
	assert_string_equal(cc_chat_id_verdict_text(CC_CHAT_ID_NOT_UTF8), "the chat ID is not valid UTF-8");
	assert_string_equal(cc_chat_id_verdict_text(CC_CHAT_ID_CONTROL), "the chat ID contains a control character");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_ordinary_ids),
		cmocka_unit_test(rejects_empty),
		cmocka_unit_test(length_limit_is_1024_bytes),
		cmocka_unit_test(rejects_control_characters_with_their_offset),
		cmocka_unit_test(rejects_malformed_utf8),
		cmocka_unit_test(verdict_texts_are_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
