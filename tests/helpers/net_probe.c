/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One connection attempt, reported exactly: prints "ok" or the errno name
 * (ECONNREFUSED, EHOSTUNREACH, EACCES, ETIMEDOUT...) and exits 0 or 1.
 * TCP: connect(). UDP: connect(), send(), and wait for the listener's echo.
 * With NET_PROBE_TIMEOUT_MS set, a TCP connect gives up after that long
 * (ETIMEDOUT), for a peer that drops.
 *
 *   net_probe tcp|udp ADDRESS PORT
 *   net_probe listen ADDRESS PORT       a TCP listener: "ready", then serves
 *   net_probe bind ADDRESS PORT         can this TCP port be taken? ok/errno
 *   net_probe abstract-listen NAME      a listener on abstract unix "@NAME"
 *   net_probe abstract NAME             connect to "@NAME": ok/errno */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
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
	case EADDRINUSE:
		return "EADDRINUSE";
	default:
		return strerror(e);
	}
}

static int report(int err)
{
	printf("%s\n", err ? errno_name(err) : "ok");
	return err ? 1 : 0;
}

static socklen_t abstract_address(const char *name, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	strncpy(sun->sun_path + 1, name, sizeof(sun->sun_path) - 2);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(sun->sun_path + 1));
}

/* Accept and close, until killed. */
__attribute__((noreturn)) static int serve(int fd)
{
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		int conn = accept(fd, NULL, NULL);

		if (conn >= 0)
			close(conn);
	}
}

static int unix_abstract(const char *what, const char *name)
{
	struct sockaddr_un sun;
	socklen_t len = abstract_address(name, &sun);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (strcmp(what, "abstract-listen") == 0) {
		if (fd < 0 || bind(fd, (struct sockaddr *)&sun, len) < 0 || listen(fd, 16) < 0)
			return report(errno);
		return serve(fd);
	}
	return report(fd < 0 || connect(fd, (struct sockaddr *)&sun, len) < 0 ? errno : 0);
}

/* connect(), bounded by NET_PROBE_TIMEOUT_MS if set. */
static int connect_bounded(int fd, const struct sockaddr *sa, socklen_t len)
{
	const char *limit = getenv("NET_PROBE_TIMEOUT_MS");
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	int err = 0;
	socklen_t err_len = sizeof(err);

	if (!limit)
		return connect(fd, sa, len) < 0 ? errno : 0;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	if (poll(&pfd, 1, atoi(limit)) == 0)
		return ETIMEDOUT;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
	return err;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int udp, fd, err = 0;

	if (argc == 3 && strncmp(argv[1], "abstract", 8) == 0)
		return unix_abstract(argv[1], argv[2]);
	if (argc != 4) {
		fprintf(stderr, "usage: %s tcp|udp|listen|bind ADDRESS PORT, or abstract|abstract-listen NAME\n", argv[0]);
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
	if (fd >= 0 && (strcmp(argv[1], "listen") == 0 || strcmp(argv[1], "bind") == 0)) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
		if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0)
			return report(errno);
		return strcmp(argv[1], "listen") == 0 ? serve(fd) : report(0);
	}
	if (fd < 0) {
		err = errno;
	} else if (!udp) {
		err = connect_bounded(fd, (struct sockaddr *)&ss, len);
	} else if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		err = errno;
	} else {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		char buf[16];

		if (send(fd, "ping", 4, 0) < 0)
			err = errno;
		else if (poll(&pfd, 1, 5000) == 0)
			err = ETIMEDOUT;
		else if (recv(fd, buf, sizeof(buf), 0) < 0)
			err = errno;
	}
	return report(err);
}
