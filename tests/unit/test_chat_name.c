/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Chat names: <prefix> + first 12 hex digits of HMAC-SHA-256(key, chat ID).
 * The expected values were computed independently with Python's hmac module
 * (hmac.new(key, id, hashlib.sha256).hexdigest()[:12]). */
#include <string.h>

#include "cmocka_all.h"

#include "identity/chat_name.h"

static uint8_t key_0b[CC_HOST_KEY_LEN];
static uint8_t key_counting[CC_HOST_KEY_LEN];

static int setup(void **state)
{
	memset(key_0b, 0x0b, sizeof(key_0b));
	for (int i = 0; i < CC_HOST_KEY_LEN; i++)
		key_counting[i] = (uint8_t)i;
	return 0;
}

static void derive_ok(const uint8_t *key, const char *id, size_t len, const char *prefix, const char *expected)
{
	char name[CC_NAME_MAX + 1];

	assert_int_equal(cc_chat_name_derive(key, id, len, prefix, name), 0);
	assert_string_equal(name, expected);
}

static void known_vectors(void **state)
{
	char long_id[1024];

	memset(long_id, 'a', sizeof(long_id));
	derive_ok(key_0b, "telegram:12345", 14, "chat-", "chat-f1fd0071f007");
	derive_ok(key_0b, "x", 1, "chat-", "chat-5d3c3c93c9a2");
	derive_ok(key_0b, "\xc3\x9c" "n" "\xc3\xaf" "c" "\xc3\xb8" "d" "\xc3\xa9" " chat " "\xe2\x98\x83", 20, "chat-",
		  "chat-b09a10f3fcf9");
	derive_ok(key_0b, long_id, sizeof(long_id), "chat-", "chat-e5088a9f6eae");
	derive_ok(key_counting, "telegram:12345", 14, "chat-", "chat-3b6b0825b41d");
}

static void prefix_is_configurable_and_bounded(void **state)
{
	char name[CC_NAME_MAX + 1];

	derive_ok(key_0b, "x", 1, "c", "c5d3c3c93c9a2");
	derive_ok(key_0b, "x", 1, "abcdefghijklmnopqrst", "abcdefghijklmnopqrst5d3c3c93c9a2");
	assert_int_equal(cc_chat_name_derive(key_0b, "x", 1, "abcdefghijklmnopqrstu", name), -1);
}

static void different_keys_give_different_names(void **state)
{
	char a[CC_NAME_MAX + 1], b[CC_NAME_MAX + 1];

	assert_int_equal(cc_chat_name_derive(key_0b, "telegram:12345", 14, "chat-", a), 0);
	assert_int_equal(cc_chat_name_derive(key_counting, "telegram:12345", 14, "chat-", b), 0);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_vectors),
		cmocka_unit_test(prefix_is_configurable_and_bounded),
		cmocka_unit_test(different_keys_give_different_names),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
