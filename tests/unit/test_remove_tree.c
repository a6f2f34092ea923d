/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Removing a chat's tree: everything inside goes, nothing a symbolic link
 * points to is touched, and depth costs no descriptors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmocka_all.h"

#include "fs/remove_tree.h"

static char root[64];
static int root_fd;

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/chatcell-rmtree-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	root_fd = open(root, O_RDONLY | O_DIRECTORY);
	return root_fd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	close(root_fd);
	return cc_remove_tree_at(AT_FDCWD, root);
}

static void touch_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT, 0600);

	assert_true(fd >= 0);
	close(fd);
}

static void removes_files_dirs_and_links(void **state)
{
	int home;

	assert_int_equal(mkdirat(root_fd, "home", 0700), 0);
	home = openat(root_fd, "home", O_RDONLY | O_DIRECTORY);
	touch_at(home, "file");
	assert_int_equal(mkdirat(home, "sub", 0700), 0);
	assert_int_equal(mkdirat(home, "sub/deeper", 0700), 0);
	touch_at(home, "sub/deeper/f");
	assert_int_equal(mkdirat(home, "empty", 0700), 0);
	assert_int_equal(mkfifoat(home, "fifo", 0600), 0);
	assert_int_equal(symlinkat("/nonexistent", home, "dangling"), 0);
	close(home);
	assert_int_equal(cc_remove_tree_at(root_fd, "home"), 0);
	assert_int_equal(faccessat(root_fd, "home", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(errno, ENOENT);
}

static void never_follows_symbolic_links(void **state)
{
	int home;

	/* Outside the tree: a directory with a file the tree links to. */
	assert_int_equal(mkdirat(root_fd, "outside", 0700), 0);
	touch_at(root_fd, "outside/precious");
	assert_int_equal(mkdirat(root_fd, "home", 0700), 0);
	home = openat(root_fd, "home", O_RDONLY | O_DIRECTORY);
	assert_int_equal(symlinkat("../outside", home, "link-to-dir"), 0);
	assert_int_equal(symlinkat("../outside/precious", home, "link-to-file"), 0);
	assert_int_equal(mkdirat(home, "sub", 0700), 0);
	assert_int_equal(symlinkat("/tmp", home, "sub/tmp"), 0);
	close(home);
	assert_int_equal(cc_remove_tree_at(root_fd, "home"), 0);
	assert_int_equal(faccessat(root_fd, "outside/precious", F_OK, 0), 0);
	assert_int_equal(access("/tmp", F_OK), 0);
}

static void a_link_in_place_of_the_tree_is_unlinked_not_followed(void **state)
{
	assert_int_equal(symlinkat("outside", root_fd, "home"), 0);
	assert_int_equal(cc_remove_tree_at(root_fd, "home"), 0);
	assert_int_equal(faccessat(root_fd, "outside/precious", F_OK, 0), 0);
	assert_int_equal(faccessat(root_fd, "home", F_OK, AT_SYMLINK_NOFOLLOW), -1);
}

static void missing_tree_is_success(void **state)
{
	assert_int_equal(cc_remove_tree_at(root_fd, "no-such-home"), 0);
}

/* Deeper than the descriptor limit allows to hold open at once. */
static void deep_tree_within_a_small_fd_limit(void **state)
{
	struct rlimit old, low = {64, 64};
	int fd, depth = 2000;

	assert_int_equal(mkdirat(root_fd, "deep", 0700), 0);
	fd = openat(root_fd, "deep", O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < depth; i++) {
		int next;

		assert_int_equal(mkdirat(fd, "d", 0700), 0);
		touch_at(fd, "f");
		next = openat(fd, "d", O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = next;
	}
	close(fd);
	getrlimit(RLIMIT_NOFILE, &old);
	setrlimit(RLIMIT_NOFILE, &low);
	assert_int_equal(cc_remove_tree_at(root_fd, "deep"), 0);
	setrlimit(RLIMIT_NOFILE, &old);
	assert_int_equal(faccessat(root_fd, "deep", F_OK, AT_SYMLINK_NOFOLLOW), -1);
}

static void wide_directory(void **state)
{
	char name[32];
	int fd;

	assert_int_equal(mkdirat(root_fd, "wide", 0700), 0);
	fd = openat(root_fd, "wide", O_RDONLY | O_DIRECTORY);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		assert_int_equal(mkdirat(fd, name, 0700), 0);
		snprintf(name, sizeof(name), "d%d/f", i);
		touch_at(fd, name);
	}
	close(fd);
	assert_int_equal(cc_remove_tree_at(root_fd, "wide"), 0);
	assert_int_equal(faccessat(root_fd, "wide", F_OK, AT_SYMLINK_NOFOLLOW), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(removes_files_dirs_and_links),
		cmocka_unit_test(never_follows_symbolic_links),
		cmocka_unit_test(a_link_in_place_of_the_tree_is_unlinked_not_followed),
		cmocka_unit_test(missing_tree_is_success),
		cmocka_unit_test(deep_tree_within_a_small_fd_limit),
		cmocka_unit_test(wide_directory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
