/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Record packing for every buffer size: ERANGE exactly below the size the
 * record needs, success at and above it, whatever the buffer's alignment. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmocka_all.h"

#include "view/nss_record.h"

static const struct cc_view_params params = {.prefix = "chat-", .uid_min = 70000, .uid_max = 70010,
					     .home_base = "/home/chatcell", .shell = "/bin/bash"};

/* name\0 *\0 gecos\0 home_base/name\0 shell\0 */
static size_t passwd_size(const char *name)
{
	return strlen(name) + 1 + 2 + strlen(CC_GECOS) + 1 + strlen(params.home_base) + 1 + strlen(name) + 1 +
	       strlen(params.shell) + 1;
}

static void passwd_every_size(void **state)
{
	const char *name = "chat-0123456789ab";
	size_t need = passwd_size(name);
	char *buf = malloc(need + 16);

	for (size_t len = 0; len <= need + 16; len++) {
		struct passwd pw;
		int r = cc_pack_passwd(name, 70001, &params, &pw, buf, len);

		if (len < need) {
			assert_int_equal(r, -ERANGE);
			continue;
		}
		assert_int_equal(r, 0);
		assert_string_equal(pw.pw_name, name);
		assert_string_equal(pw.pw_passwd, "*");
		assert_string_equal(pw.pw_gecos, "chatcell chat");
		assert_string_equal(pw.pw_dir, "/home/chatcell/chat-0123456789ab");
		assert_string_equal(pw.pw_shell, "/bin/bash");
		assert_int_equal(pw.pw_uid, 70001);
		assert_int_equal(pw.pw_gid, 70001);
		/* Every string lives inside the caller's buffer. */
		assert_true(pw.pw_shell + strlen(pw.pw_shell) < buf + len);
	}
	free(buf);
}

static void group_every_size_and_alignment(void **state)
{
	const char *name = "chat-0123456789ab";
	char *storage = malloc(128);

	for (size_t misalign = 0; misalign < sizeof(char *); misalign++) {
		char *buf = storage + misalign;
		size_t pad = (sizeof(char *) - ((uintptr_t)buf % sizeof(char *))) % sizeof(char *);
		size_t need = pad + sizeof(char *) + strlen(name) + 1 + 2;

		for (size_t len = 0; len <= need + 8; len++) {
			struct group gr;
			int r = cc_pack_group(name, 70001, &gr, buf, len);

			if (len < need) {
				assert_int_equal(r, -ERANGE);
				continue;
			}
			assert_int_equal(r, 0);
			assert_string_equal(gr.gr_name, name);
			assert_string_equal(gr.gr_passwd, "*");
			assert_int_equal(gr.gr_gid, 70001);
			assert_null(gr.gr_mem[0]);
			assert_int_equal((uintptr_t)gr.gr_mem % sizeof(char *), 0);
			assert_true((char *)gr.gr_mem >= buf && gr.gr_passwd + 2 <= buf + len);
		}
	}
	free(storage);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwd_every_size),
		cmocka_unit_test(group_every_size_and_alignment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
