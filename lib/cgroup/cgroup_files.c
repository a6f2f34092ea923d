/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cgroup/cgroup_files.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/parse_number.h"

int cg_write(int dirfd, const char *file, const char *value)
{
	size_t len = strlen(value);
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0) {
		int saved = errno;

		close(fd);
		return -saved;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

int cg_read(int dirfd, const char *file, char *buf, size_t len)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int cg_read_key(int dirfd, const char *file, const char *key, uint64_t *value)
{
	char buf[4096], *save = NULL;
	size_t key_len = strlen(key);
	int r = cg_read(dirfd, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, key, key_len) == 0 && line[key_len] == ' ')
			return cc_parse_u64(line + key_len + 1, 0, UINT64_MAX, value) < 0 ? -EINVAL : 0;
	return -ENOENT;
}

int cg_read_u64(int dirfd, const char *file, uint64_t *value)
{
	char buf[64];
	int r = cg_read(dirfd, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	buf[strcspn(buf, "\n")] = '\0';
	if (strcmp(buf, "max") == 0) {
		*value = CC_LIMIT_UNLIMITED;
		return 0;
	}
	return cc_parse_u64(buf, 0, UINT64_MAX, value) < 0 ? -EINVAL : 0;
}

/* Bytes read and written, summed over io.stat's devices ("254:0 rbytes=N
 * wbytes=N rios=N ..."); an empty file (no I/O yet) is zero. */
static int read_io_stat(int dirfd, struct cc_cgroup_usage *u)
{
	char buf[4096], *save = NULL;
	int r = cg_read(dirfd, "io.stat", buf, sizeof(buf));

	if (r < 0)
		return r;
	for (char *word = strtok_r(buf, " \n", &save); word; word = strtok_r(NULL, " \n", &save)) {
		uint64_t *sum = strncmp(word, "rbytes=", 7) == 0 ? &u->io_read_bytes
				: strncmp(word, "wbytes=", 7) == 0 ? &u->io_written_bytes
								   : NULL;
		uint64_t value;

		if (sum && cc_parse_u64(word + 7, 0, UINT64_MAX, &value) == 0)
			*sum += value;
	}
	return 0;
}

int cg_read_usage(int dirfd, struct cc_cgroup_usage *u)
{
	int r;

	memset(u, 0, sizeof(*u));
	r = cg_read_u64(dirfd, "memory.current", &u->memory_current);
	if (r == 0)
		r = cg_read_u64(dirfd, "pids.current", &u->pids_current);
	if (r == 0)
		r = cg_read_key(dirfd, "cpu.stat", "usage_usec", &u->cpu_usage_usec);
	if (r == 0)
		r = cg_read_key(dirfd, "cpu.stat", "nr_throttled", &u->nr_throttled);
	if (r == 0)
		r = cg_read_key(dirfd, "cpu.stat", "throttled_usec", &u->throttled_usec);
	if (r == 0)
		r = cg_read_key(dirfd, "memory.events", "oom_kill", &u->oom_kills);
	if (r == 0)
		r = read_io_stat(dirfd, u);
	return r;
}

static long elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

int cg_wait_empty(int dirfd, int timeout_ms)
{
	struct timespec start;
	int fd = openat(dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		char buf[256];
		struct pollfd pfd = {.fd = fd, .events = POLLPRI};
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		long left = timeout_ms - elapsed_ms(&start);

		if (n < 0)
			break;
		buf[n] = '\0';
		if (strstr(buf, "populated 0")) {
			close(fd);
			return 0;
		}
		if (left <= 0)
			break;
		/* The kernel signals a change of cgroup.events with POLLPRI. */
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			break;
	}
	close(fd);
	return -ETIMEDOUT;
}

int cg_has_controller(int dirfd, const char *controller)
{
	char file[32];

	snprintf(file, sizeof(file), "%s.max", controller);
	return faccessat(dirfd, file, F_OK, 0) == 0;
}
