/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS questions for the gate's tests, reported exactly. Written apart from
 * lib/dns on purpose, so the tests do not check the gate's parser with
 * itself.
 *
 *   dns_probe [--tcp] [--noedns] [--port N] SERVER NAME [A|AAAA|TXT]
 *       prints "RCODE tc=0|1 ADDRESS,ADDRESS..." (addresses of A/AAAA
 *       records in the answer section, in order; "-" for none), or the
 *       errno name (ECONNREFUSED, ETIMEDOUT) when no answer came
 *   dns_probe --count N SERVER NAME
 *       N questions for NAME over UDP, one after another; prints
 *       "NOERROR=a REFUSED=b OTHER=c NONE=d" */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TIMEOUT_MS 3000

static const char *rcode_name(unsigned rcode)
{
	static const char *names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};

	return rcode < 6 ? names[rcode] : "RCODE?";
}

static size_t build_query(uint8_t *out, uint16_t id, const char *name, uint16_t type, bool edns)
{
	size_t n = 12;
	const char *label = name;

	memset(out, 0, 12);
	out[0] = (uint8_t)(id >> 8);
	out[1] = (uint8_t)id;
	out[2] = 0x01; /* RD */
	out[5] = 1;    /* QDCOUNT */
	out[11] = edns ? 1 : 0;
	while (*label) {
		const char *dot = strchr(label, '.');
		size_t len = dot ? (size_t)(dot - label) : strlen(label);

		out[n++] = (uint8_t)len;
		memcpy(out + n, label, len);
		n += len;
		label += len + (dot ? 1 : 0);
	}
	out[n++] = 0;
	out[n++] = (uint8_t)(type >> 8);
	out[n++] = (uint8_t)type;
	out[n++] = 0;
	out[n++] = 1; /* IN */
	if (edns) {   /* OPT: root name, type 41, payload 1232 */
		static const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};

		memcpy(out + n, opt, sizeof(opt));
		n += sizeof(opt);
	}
	return n;
}

/* Skip a (possibly compressed) name; returns the offset after it or 0. */
static size_t skip_name(const uint8_t *m, size_t len, size_t at)
{
	while (at < len) {
		if (m[at] == 0)
			return at + 1;
		if ((m[at] & 0xc0) == 0xc0)
			return at + 2 <= len ? at + 2 : 0;
		at += 1 + m[at];
	}
	return 0;
}

static void print_answer(const uint8_t *m, size_t len)
{
	unsigned ancount = (unsigned)(m[6] << 8 | m[7]);
	size_t at = skip_name(m, len, 12);
	bool any = false;

	printf("%s tc=%d ", rcode_name(m[3] & 0xf), (m[2] & 0x02) ? 1 : 0);
	if (!at || at + 4 > len) {
		puts("-");
		return;
	}
	at += 4;
	for (unsigned i = 0; i < ancount; i++) {
		uint16_t type, rdlen;
		char text[INET6_ADDRSTRLEN];

		at = skip_name(m, len, at);
		if (!at || at + 10 > len)
			break;
		type = (uint16_t)(m[at] << 8 | m[at + 1]);
		rdlen = (uint16_t)(m[at + 8] << 8 | m[at + 9]);
		at += 10;
		if (at + rdlen > len)
			break;
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			inet_ntop(type == 1 ? AF_INET : AF_INET6, m + at, text, sizeof(text));
			printf("%s%s", any ? "," : "", text);
			any = true;
		}
		at += rdlen;
	}
	puts(any ? "" : "-");
}

/* One question: the answer's length, or -errno. */
static ssize_t ask(const struct sockaddr_in *server, bool tcp, const uint8_t *q, size_t qlen, uint8_t *answer,
		   size_t size)
{
	int fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	ssize_t got = 0;

	if (fd < 0 || connect(fd, (const struct sockaddr *)server, sizeof(*server)) < 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return -e;
	}
	if (tcp) {
		uint8_t head[2] = {(uint8_t)(qlen >> 8), (uint8_t)qlen};
		size_t have = 0, want = 2;

		if (send(fd, head, 2, MSG_MORE) != 2 || send(fd, q, qlen, 0) != (ssize_t)qlen) {
			close(fd);
			return -errno;
		}
		while (have < want) {
			ssize_t n;

			if (poll(&pfd, 1, TIMEOUT_MS) == 0) {
				close(fd);
				return -ETIMEDOUT;
			}
			n = recv(fd, answer + have, size - have, 0);
			if (n <= 0) {
				close(fd);
				return n == 0 ? -ECONNRESET : -errno;
			}
			have += (size_t)n;
			if (have >= 2)
				want = 2 + (size_t)(answer[0] << 8 | answer[1]);
		}
		memmove(answer, answer + 2, want - 2);
		close(fd);
		return (ssize_t)(want - 2);
	}
	if (send(fd, q, qlen, 0) != (ssize_t)qlen) {
		close(fd);
		return -errno;
	}
	if (poll(&pfd, 1, TIMEOUT_MS) == 0) {
		close(fd);
		return -ETIMEDOUT;
	}
	got = recv(fd, answer, size, 0);
	if (got < 0)
		got = -errno;
	close(fd);
	return got;
}

static const char *errno_name(int e)
{
	return e == ECONNREFUSED ? "ECONNREFUSED" : e == ETIMEDOUT ? "ETIMEDOUT" : strerror(e);
}

int main(int argc, char **argv)
{
	static uint8_t answer[65536];
	struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons(53)};
	bool tcp = false, edns = true;
	long count = 0;
	uint8_t q[512];
	uint16_t type = 1;
	size_t qlen;
	int i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--tcp") == 0)
			tcp = true;
		else if (strcmp(argv[i], "--noedns") == 0)
			edns = false;
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			server.sin_port = htons((uint16_t)strtol(argv[++i], NULL, 10));
	}
	if (argc - i < 2 || argc - i > 3 || inet_pton(AF_INET, argv[i], &server.sin_addr) != 1 ||
	    strlen(argv[i + 1]) > 253) {
		fprintf(stderr, "usage: dns_probe [--tcp] [--noedns] [--count N] [--port N] SERVER NAME [A|AAAA|TXT]\n");
		return 2;
	}
	if (argc - i == 3)
		type = strcmp(argv[i + 2], "AAAA") == 0 ? 28 : strcmp(argv[i + 2], "TXT") == 0 ? 16 : 1;
	if (count > 0) {
		long tally[4] = {0}; /* NOERROR REFUSED OTHER NONE */

		for (long n = 0; n < count; n++) {
			ssize_t got;

			qlen = build_query(q, (uint16_t)(n + 1), argv[i + 1], type, edns);
			got = ask(&server, false, q, qlen, answer, sizeof(answer));
			if (got < 12)
				tally[3]++;
			else if ((answer[3] & 0xf) == 0)
				tally[0]++;
			else if ((answer[3] & 0xf) == 5)
				tally[1]++;
			else
				tally[2]++;
		}
		printf("NOERROR=%ld REFUSED=%ld OTHER=%ld NONE=%ld\n", tally[0], tally[1], tally[2], tally[3]);
		return 0;
	}
	qlen = build_query(q, 0x4242, argv[i + 1], type, edns);
	{
		ssize_t got = ask(&server, tcp, q, qlen, answer, sizeof(answer));

		if (got < 0) {
			puts(errno_name((int)-got));
			return 1;
		}
		if (got < 12 || answer[0] != 0x42 || answer[1] != 0x42) {
			puts("BADANSWER");
			return 1;
		}
		print_answer(answer, (size_t)got);
	}
	return 0;
}
