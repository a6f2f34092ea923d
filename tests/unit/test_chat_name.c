/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Chat names: <prefix> + first 12 hex digits of HMAC-SHA-256(key, chat ID).
 * The expected values were computed independently with Python's hmac module
 * (hmac.new(key, id, hashlib.sha256).hexdigest()[:12]). */
#include <string.h>

#include "cmocka_all.h"

#include "identity/chat_name.h"
#include "identity/host_key.h"

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

/* The registry's fingerprint of a key, against Python's hashlib:
 * sha256(b"chatcell host key fingerprint 1\0" + bytes(range(32))). */
static void fingerprint_vector(void **state)
{
	uint8_t key[CC_HOST_KEY_LEN];
	char fp[CC_HOST_KEY_FINGERPRINT_LEN + 1];

	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	cc_host_key_fingerprint(key, fp);
	assert_string_equal(fp, "32be2b78ec7b8349d14384e9a84fea1b153cef1432737b907cfc76db1db071ea");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_vectors),
		cmocka_unit_test(prefix_is_configurable_and_bounded),
		cmocka_unit_test(different_keys_give_different_names),
		cmocka_unit_test(fingerprint_vector),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
