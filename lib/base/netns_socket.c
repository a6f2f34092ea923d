/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/netns_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int cc_netns_socket(int netns_fd, int domain, int type, int protocol)
{
	int home, fd, saved;

	if (netns_fd < 0) {
		fd = socket(domain, type | SOCK_CLOEXEC, protocol);
		return fd < 0 ? -errno : fd;
	}
	home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0)
		return -errno;
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		saved = errno;
		close(home);
		return -saved;
	}
	fd = socket(domain, type | SOCK_CLOEXEC, protocol);
	saved = errno;
	if (setns(home, CLONE_NEWNET) < 0)
		abort();
	close(home);
	return fd < 0 ? -saved : fd;
}
