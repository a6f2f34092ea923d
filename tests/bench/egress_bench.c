/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Egress benchmarks with chatcell's own nftables code (one run, figures
 * only; the ratios are printed by run-bench.sh).
 *
 *   egress_bench load CHATS RULES_PER_CHAT UID ADDRESS PORT
 *       rebuild the table with CHATS x RULES_PER_CHAT elements, the last
 *       chat being UID with ADDRESS PORT/tcp allowed; prints seconds
 *   egress_bench update COUNT UID
 *       COUNT single-element additions, one transaction each (fresh
 *       addresses); prints the median microseconds
 *   egress_bench connect COUNT UID ADDRESS PORT
 *       as UID, COUNT x (socket, connect, close) to a listener this program
 *       starts as root; prints microseconds per connection */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_clock.h"
#include "egress/egress_nft.h"



static int commit(struct cc_nft_batch *batch)
{
	struct cc_err err;
	int kernel_errno;

	if (cc_nft_batch_commit(batch, &kernel_errno, &err) < 0) {
		fprintf(stderr, "egress_bench: %s\n", err.msg);
		return -1;
	}
	cc_nft_batch_free(batch);
	return 0;
}

static int load(long chats, long per_chat, uint32_t uid, const char *address, int port)
{
	struct cc_config config;
	struct cc_nft_element *els = calloc((size_t)(chats * per_chat), sizeof(*els));
	struct cc_nft_batch *batch = cc_nft_batch_new();
	struct cc_err err;
	char rule[64];
	double start;
	long n = 0;

	cc_config_defaults(&config);
	for (long c = 0; c < chats; c++) {
		for (long r = 0; r < per_chat; r++, n++) {
			bool last = c == chats - 1 && r == 0;
			uint32_t addr = 0x0a000000u + (uint32_t)n; /* 10.x.y.z: never contacted */

			els[n].uid = last ? uid : config.uid_min + (uint32_t)c;
			snprintf(rule, sizeof(rule), "%u.%u.%u.%u tcp %d", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
				 addr & 255, 443);
			if (last)
				snprintf(rule, sizeof(rule), "%s tcp %d", address, port);
			if (cc_egress_parse_rule(rule, &els[n].rule, &err) < 0) {
				fprintf(stderr, "egress_bench: %s\n", err.msg);
				return 1;
			}
		}
	}
	start = bench_now_us();
	cc_nft_batch_replace_table(batch, &config);
	cc_nft_batch_add(batch, els, (size_t)n);
	if (commit(batch) < 0)
		return 1;
	printf("%.3f\n", (bench_now_us() - start) / 1e6);
	free(els);
	return 0;
}

static int update(long count, uint32_t uid)
{
	double *t = calloc((size_t)count, sizeof(*t));
	struct cc_err err;
	char rule[64];

	for (long i = 0; i < count; i++) {
		struct cc_nft_element el = {uid, {0}, 0};
		struct cc_nft_batch *batch = cc_nft_batch_new();
		double start;

		snprintf(rule, sizeof(rule), "192.0.2.%ld tcp %ld", i % 250 + 1, 1000 + i);
		cc_egress_parse_rule(rule, &el.rule, &err);
		start = bench_now_us();
		cc_nft_batch_add(batch, &el, 1);
		if (commit(batch) < 0)
			return 1;
		t[i] = bench_now_us() - start;
	}
	printf("%.1f\n", bench_median(t, (size_t)count));
	return 0;
}

/* Root runs the listener and reaps; a child that became UID connects. */
static int connect_loop(long count, uint32_t uid, const char *address, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int listener, one = 1, status;
	pid_t accepter, client;

	inet_pton(AF_INET, address, &sa.sin_addr);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(listener, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(listener, 4096) < 0) {
		perror("egress_bench: listen");
		return 1;
	}
	accepter = fork();
	if (accepter == 0) {
		for (;;) {
			int fd = accept(listener, NULL, NULL);

			if (fd >= 0)
				close(fd);
		}
	}
	client = fork();
	if (client == 0) {
		struct linger no_linger = {1, 0};
		double start;

		close(listener);
		if (setgid(uid) < 0 || setuid(uid) < 0)
			_exit(1);
		start = bench_now_us();
		for (long i = 0; i < count; i++) {
			int fd = socket(AF_INET, SOCK_STREAM, 0);

			if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
				perror("egress_bench: connect");
				_exit(1);
			}
			/* no TIME_WAIT pile-up */
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &no_linger, sizeof(no_linger));
			close(fd);
		}
		printf("%.2f\n", (bench_now_us() - start) / (double)count);
		fflush(stdout);
		_exit(0);
	}
	waitpid(client, &status, 0);
	kill(accepter, SIGKILL);
	waitpid(accepter, NULL, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "load") == 0)
		return load(atol(argv[2]), atol(argv[3]), (uint32_t)atol(argv[4]), argv[5], atoi(argv[6]));
	if (argc == 4 && strcmp(argv[1], "update") == 0)
		return update(atol(argv[2]), (uint32_t)atol(argv[3]));
	if (argc == 6 && strcmp(argv[1], "connect") == 0)
		return connect_loop(atol(argv[2]), (uint32_t)atol(argv[3]), argv[4], atoi(argv[5]));
	fprintf(stderr, "usage: see the comment at the top of egress_bench.c\n");
	return 2;
}
