/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS load for the gate's benchmark (bench/dns_gate.sh), run inside a cell:
 *
 *   dns_gate_bench latency SERVER NAME COUNT
 *       COUNT questions one after another over UDP: the median round trip
 *       in microseconds; "-N-" in NAME becomes the question's number, so
 *       that each asks a name of its own (nothing kept answers it)
 *   dns_gate_bench flood SERVER NAME SECONDS WINDOW
 *       WINDOW questions in flight at all times for SECONDS: answers per
 *       second (answers of any RCODE; the count of non-NOERROR follows) */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_clock.h"

static size_t build_query(uint8_t *out, uint16_t id, const char *name)
{
	size_t n = 12;

	memset(out, 0, 12);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[2] = 0x01;
	out[5] = 1;
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t len = dot ? (size_t)(dot - name) : strlen(name);

		out[n++] = (uint8_t)len;
		memcpy(out + n, name, len);
		n += len;
		name += len + (dot ? 1 : 0);
	}
	out[n++] = 0;
	out[n++] = 0;
	out[n++] = 1; /* A */
	out[n++] = 0;
	out[n++] = 1; /* IN */
	return n;
}

static int open_socket(const char *server)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53)};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || inet_pton(AF_INET, server, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("dns_gate_bench: socket");
		exit(1);
	}
	return fd;
}

static int latency(const char *server, const char *name, long count)
{
	int fd = open_socket(server);
	double *us = calloc((size_t)count, sizeof(*us));
	uint8_t q[300], a[4096];

	if (!us)
		return 1;
	for (long i = 0; i < count; i++) {
		char numbered[256];
		const char *mark = strstr(name, "-N-");
		size_t len;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (mark)
			snprintf(numbered, sizeof(numbered), "%.*s-%ld-%s", (int)(mark - name), name, i, mark + 3);
		len = build_query(q, (uint16_t)i, mark ? numbered : name);
		double start = bench_now_us();

		if (send(fd, q, len, 0) != (ssize_t)len || poll(&pfd, 1, 2000) != 1 || recv(fd, a, sizeof(a), 0) < 12) {
			fprintf(stderr, "dns_gate_bench: question %ld got no answer\n", i);
			return 1;
		}
		us[i] = bench_now_us() - start;
	}
	printf("%.1f\n", bench_median(us, (size_t)count));
	free(us);
	return 0;
}

static int flood(const char *server, const char *name, double seconds, long window)
{
	int fd = open_socket(server);
	uint8_t q[300], a[4096];
	long answers = 0, failures = 0, in_flight = 0;
	uint16_t id = 0;
	double start = bench_now_us(), end = start + seconds * 1e6, last_answer = start;

	while (bench_now_us() < end) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		while (in_flight < window) {
			size_t len = build_query(q, id++, name);

			if (send(fd, q, len, 0) != (ssize_t)len)
				break;
			in_flight++;
		}
		if (poll(&pfd, 1, 100) == 1) {
			ssize_t got;

			while ((got = recv(fd, a, sizeof(a), MSG_DONTWAIT)) >= 12) {
				answers++;
				in_flight--;
				if ((a[3] & 0xf) != 0)
					failures++;
				last_answer = bench_now_us();
			}
		} else if (bench_now_us() - last_answer > 500000) {
			in_flight = 0; /* answers were dropped: send a new window */
		}
	}
	printf("%.0f %ld\n", (double)answers / ((bench_now_us() - start) / 1e6), failures);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "latency") == 0)
		return latency(argv[2], argv[3], strtol(argv[4], NULL, 10));
	if (argc == 6 && strcmp(argv[1], "flood") == 0)
		return flood(argv[2], argv[3], strtod(argv[4], NULL), strtol(argv[5], NULL, 10));
	fprintf(stderr, "usage: dns_gate_bench latency SERVER NAME COUNT | flood SERVER NAME SECONDS WINDOW\n");
	return 2;
}
