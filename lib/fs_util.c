#include "fs_util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int cc_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t cc_read_small_file_at(int dirfd, const char *name, char *buf, size_t max)
{
	size_t total = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);

	if (fd < 0)
		return -1;
	while (total < max) {
		ssize_t n = read(fd, buf + total, max - total);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		total += (size_t)n;
	}
	close(fd);
	buf[total < max ? total : max - 1] = '\0';
	return (ssize_t)total;
}
