/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "view/nscd_flush.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/cleanup.h"

/* nscd's client protocol (glibc nscd/nscd-client.h): a request header,
 * then the key; INVALIDATE takes a table's name and is answered with an
 * int32 once the table is pruned. Only root may ask it. */
#define NSCD_SOCKET "/var/run/nscd/socket"
#define NSCD_VERSION 2
#define NSCD_INVALIDATE 10

/* 1 forgotten, 0 no nscd listens, -errno it did not answer (ETIMEDOUT:
 * not within a second). */
static int forget(const char *table)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX, .sun_path = NSCD_SOCKET};
	int32_t req[3] = {NSCD_VERSION, NSCD_INVALIDATE, (int32_t)strlen(table) + 1}; /* version, type, key length */
	struct iovec iov[2] = {{req, sizeof(req)}, {(void *)table, strlen(table) + 1}};
	struct timeval wait = {.tv_sec = 1};
	cc_cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int32_t answer;
	ssize_t sent;

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return errno == ENOENT || errno == ECONNREFUSED ? 0 : -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait)) < 0)
		return -errno;
	sent = writev(fd, iov, 2);
	if (sent < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	if (sent != (ssize_t)(iov[0].iov_len + iov[1].iov_len))
		return -EIO;
	/* An older nscd closes the connection instead of answering. */
	if (read(fd, &answer, sizeof(answer)) < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	return 1;
}

int cc_nscd_forget_users(struct cc_err *err)
{
	static const char *const tables[] = {"passwd", "group"};

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		int rc = forget(tables[i]);

		if (rc == 0)
			return 0;
		if (rc < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, -rc,
					     "nscd (" NSCD_SOCKET ") did not forget its %s table, so it may answer for "
					     "chats as they were; run nscd -i passwd; nscd -i group",
					     tables[i]);
	}
	return 0;
}
