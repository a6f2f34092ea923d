/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/std_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int cc_std_fds_open(void)
{
	for (int fd = 0; fd < 3; fd++) {
		int got;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		got = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (got != fd) {
			if (got >= 0) {
				close(got);
				errno = EBADF;
			}
			return -1;
		}
	}
	return 0;
}
