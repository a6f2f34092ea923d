/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-chat work locks: exclusive per UID, independent across UIDs, and
 * released by the kernel when the holder goes away. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmocka_all.h"

#include "fs/chat_lock.h"

static char dir[64];
static int dir_fd;

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/chatcell-lock-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY);
	return dir_fd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	unlinkat(dir_fd, CC_CHAT_LOCK_FILE, 0);
	close(dir_fd);
	rmdir(dir);
	return 0;
}

static int open_lock(void)
{
	struct cc_err err;
	int fd = cc_chat_lock_open(dir_fd, &err);

	if (fd < 0)
		fail_msg("%s", err.msg);
	return fd;
}

static void exclusive_per_uid(void **state)
{
	int a, b;

	if (geteuid() != 0)
		skip(); /* the lock file must be root's */
	a = open_lock();
	b = open_lock();
	assert_int_equal(cc_chat_lock(a, 1879048192u, false), 0);
	assert_int_equal(cc_chat_lock(b, 1879048192u, false), -EAGAIN);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(cc_chat_lock(b, 1879048193u, false), 0);
	cc_chat_unlock(a, 1879048192u);
	assert_int_equal(cc_chat_lock(b, 1879048192u, false), 0);
	close(a);
	close(b);
}

static void released_when_the_holder_dies(void **state)
{
	int pipefd[2], fd;
	pid_t pid;
	char c;

	if (geteuid() != 0)
		skip();
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	if (pid == 0) {
		int child_fd = open_lock();

		cc_chat_lock(child_fd, 70000, false);
		(void)!write(pipefd[1], "x", 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	fd = open_lock();
	assert_int_equal(cc_chat_lock(fd, 70000, false), -EAGAIN);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(cc_chat_lock(fd, 70000, false), 0);
	close(fd);
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* A bounded wait gives up after its time, and takes a lock that is freed
 * while it waits. */
static void bounded_wait(void **state)
{
	struct timespec start;
	int a, b;
	pid_t pid;

	if (geteuid() != 0)
		skip();
	a = open_lock();
	b = open_lock();
	assert_int_equal(cc_chat_lock_within(b, 70001, 0), 0);
	cc_chat_unlock(b, 70001);
	assert_int_equal(cc_chat_lock(a, 70001, false), 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(cc_chat_lock_within(b, 70001, 200), -ETIMEDOUT);
	assert_in_range(elapsed_ms(&start), 190, 1000);
	pid = fork();
	if (pid == 0) {
		const struct timespec later = {0, 100 * 1000000L};

		nanosleep(&later, NULL);
		cc_chat_unlock(a, 70001); /* the lock belongs to the shared open file description */
		_exit(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(cc_chat_lock_within(b, 70001, 5000), 0);
	assert_in_range(elapsed_ms(&start), 50, 1000);
	waitpid(pid, NULL, 0);
	close(a);
	close(b);
}

static void refuses_an_unsafe_lock_file(void **state)
{
	struct cc_err err;

	if (geteuid() != 0)
		skip();
	assert_int_equal(fchmodat(dir_fd, CC_CHAT_LOCK_FILE, 0644, 0), 0);
	assert_int_equal(cc_chat_lock_open(dir_fd, &err), -1);
	assert_string_equal(err.msg, "the lock file chats.lock must be a root-owned 0600 file");
	assert_int_equal(fchmodat(dir_fd, CC_CHAT_LOCK_FILE, 0600, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exclusive_per_uid),
		cmocka_unit_test(released_when_the_holder_dies),
		cmocka_unit_test(bounded_wait),
		cmocka_unit_test(refuses_an_unsafe_lock_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
