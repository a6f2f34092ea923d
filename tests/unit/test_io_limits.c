/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* I/O limits: the io_max syntax (every key, bounds, repeats, the canonical
 * text) and the weight's bounds; the disk a device belongs to, looked up in
 * a made-up /sys/dev/block (a partition resolves to its disk; a device
 * without a queue, an anonymous device and an unknown one are no disk). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cmocka_all.h"

#include "base/io_limit.h"
#include "base/limit_value.h"
#include "cgroup/io_disks.h"
#include "fs/remove_tree.h"

static void parses_any_subset(void **state)
{
	struct cc_io_max m;
	char text[CC_IO_MAX_TEXT];

	assert_int_equal(cc_io_max_parse("rbps=50M wbps=20M riops=1000 wiops=500", &m), 0);
	assert_true(m.rbps == 50ull << 20 && m.wbps == 20ull << 20 && m.riops == 1000 && m.wiops == 500);
	cc_io_max_format(&m, text, sizeof(text));
	assert_string_equal(text, "rbps=50M wbps=20M riops=1000 wiops=500");

	assert_int_equal(cc_io_max_parse("  wiops=10\twbps=64K ", &m), 0);
	assert_true(m.rbps == CC_LIMIT_UNLIMITED && m.wbps == 65536 && m.riops == CC_LIMIT_UNLIMITED && m.wiops == 10);
	cc_io_max_format(&m, text, sizeof(text));
	assert_string_equal(text, "wbps=65536 wiops=10");

	assert_int_equal(cc_io_max_parse("max", &m), 0);
	assert_true(cc_io_max_is_none(&m));
	cc_io_max_format(&m, text, sizeof(text));
	assert_string_equal(text, "max");

	assert_int_equal(cc_io_max_parse("wbps=max riops=10000000", &m), 0);
	assert_true(m.wbps == CC_LIMIT_UNLIMITED && m.riops == 10000000);
	cc_io_max_format(&m, text, sizeof(text));
	assert_string_equal(text, "riops=10000000");
}

static void refuses_what_is_not_io_max(void **state)
{
	static const char *const bad[] = {
		"",           "   ",         "wbps",          "wbps=",         "wbps=2M wbps=3M", "foo=1",
		"wbps=63K",   "wbps=2Q",     "riops=9",       "wiops=10000001", "riops=1.5",      "wbps=-1",
		"max wbps=1M", "WBPS=1M",    "wbps =1M",      "rbps=2M,wbps=1M",
	};
	struct cc_io_max m;

	cc_io_max_none(&m);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cc_io_max_parse(bad[i], &m) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_true(cc_io_max_is_none(&m)); /* untouched */
	}
}

static void weight_bounds(void **state)
{
	uint64_t w;
	char text[32];

	assert_int_equal(cc_limit_parse(CC_LIMIT_IO_WEIGHT, "1", &w), 0);
	assert_int_equal(w, 1);
	assert_int_equal(cc_limit_parse(CC_LIMIT_IO_WEIGHT, "10000", &w), 0);
	cc_limit_format(CC_LIMIT_IO_WEIGHT, w, text, sizeof(text));
	assert_string_equal(text, "10000");
	assert_int_equal(cc_limit_parse(CC_LIMIT_IO_WEIGHT, "0", &w), -1);
	assert_int_equal(cc_limit_parse(CC_LIMIT_IO_WEIGHT, "10001", &w), -1);
	assert_int_equal(cc_limit_parse(CC_LIMIT_IO_WEIGHT, "max", &w), -1);
}

static char sys[64];

static void put(const char *path, const char *text)
{
	char full[256];
	FILE *f;

	snprintf(full, sizeof(full), "%s/%s", sys, path);
	f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* mkdir -p, within the fake sysfs. */
static void make_dirs(const char *path)
{
	char full[256];

	snprintf(full, sizeof(full), "%s/%s", sys, path);
	for (char *slash = strchr(full + strlen(sys) + 1, '/');; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		assert_true(mkdir(full, 0755) == 0 || errno == EEXIST);
		if (!slash)
			break;
		*slash = '/';
	}
}

static void link_to(const char *target, const char *path)
{
	char full[256];

	snprintf(full, sizeof(full), "%s/%s", sys, path);
	assert_int_equal(symlink(target, full), 0);
}

/* devices/vda (a disk, 254:0) with vda1 (a partition, 254:1); devices/zram0
 * (7:0) without a queue directory; dev-block/ as the kernel links them. */
static int make_sys(void **state)
{
	snprintf(sys, sizeof(sys), "/tmp/chatcell-sys-XXXXXX");
	if (!mkdtemp(sys))
		return -1;
	make_dirs("devices/vda/queue");
	make_dirs("devices/vda/vda1");
	make_dirs("devices/zram0");
	make_dirs("dev-block");
	link_to("../devices/vda", "dev-block/254:0");
	link_to("../devices/vda/vda1", "dev-block/254:1");
	link_to("../devices/zram0", "dev-block/7:0");
	put("devices/vda/dev", "254:0\n");
	put("devices/vda/uevent", "MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\n");
	put("devices/vda/vda1/dev", "254:1\n");
	put("devices/vda/vda1/partition", "1\n");
	put("devices/zram0/dev", "7:0\n");
	return 0;
}

static int remove_sys(void **state)
{
	return cc_remove_tree_at(AT_FDCWD, sys) == 0 ? 0 : -1;
}

static void finds_the_disk_of_a_device(void **state)
{
	struct cc_io_disk disk;
	char dir[128];

	snprintf(dir, sizeof(dir), "%s/dev-block", sys);
	assert_int_equal(cc_io_disk_of(dir, makedev(254, 0), &disk), 0);
	assert_true(disk.major == 254 && disk.minor == 0);
	assert_string_equal(disk.name, "vda");

	memset(&disk, 0, sizeof(disk));
	assert_int_equal(cc_io_disk_of(dir, makedev(254, 1), &disk), 0);
	assert_true(disk.major == 254 && disk.minor == 0);
	assert_string_equal(disk.name, "vda");

	assert_int_equal(cc_io_disk_of(dir, makedev(7, 0), &disk), -ENODEV);
	assert_int_equal(cc_io_disk_of(dir, makedev(0, 42), &disk), -ENODEV);
	assert_int_equal(cc_io_disk_of(dir, makedev(8, 16), &disk), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_any_subset),
		cmocka_unit_test(refuses_what_is_not_io_max),
		cmocka_unit_test(weight_bounds),
		cmocka_unit_test_setup_teardown(finds_the_disk_of_a_device, make_sys, remove_sys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
