/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One connection attempt, reported exactly: prints "ok" or the errno name
 * (ECONNREFUSED, EHOSTUNREACH, EACCES, ETIMEDOUT...) and exits 0 or 1.
 * TCP: connect(). UDP: connect(), send(), and wait for the listener's echo.
 *
 *   net_probe tcp|udp ADDRESS PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return "ECONNREFUSED";
	case EHOSTUNREACH:
		return "EHOSTUNREACH";
	case ENETUNREACH:
		return "ENETUNREACH";
	case EACCES:
		return "EACCES";
	case EPERM:
		return "EPERM";
	case ETIMEDOUT:
		return "ETIMEDOUT";
	default:
		return strerror(e);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int udp, fd, err = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: %s tcp|udp ADDRESS PORT\n", argv[0]);
		return 2;
	}
	udp = strcmp(argv[1], "udp") == 0;
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, argv[2], &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)atoi(argv[3]));
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, argv[2], &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)atoi(argv[3]));
		len = sizeof(struct sockaddr_in6);
	} else {
		fprintf(stderr, "bad address %s\n", argv[2]);
		return 2;
	}
	fd = socket(ss.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		err = errno;
	} else if (udp) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		char buf[16];

		if (send(fd, "ping", 4, 0) < 0)
			err = errno;
		else if (poll(&pfd, 1, 5000) == 0)
			err = ETIMEDOUT;
		else if (recv(fd, buf, sizeof(buf), 0) < 0)
			err = errno;
	}
	printf("%s\n", err ? errno_name(err) : "ok");
	return err ? 1 : 0;
}
