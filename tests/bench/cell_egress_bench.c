/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A cell's traffic against the host's own, in one run: a network namespace
 * with a cell's network (lib/net) and its egress table (lib/egress) that
 * allows the listener; then, as chat UID `uid`, connect()+close() and a
 * bulk TCP send from inside the cell to a listener on the host, and the
 * same from a host process with no rules at all (in 5 alternating rounds,
 * the median of each side); and single-element policy
 * changes into the cell's table (each its own transaction, through a
 * socket made in the cell's namespace, as `egress allow` does).
 *
 *   cell_egress_bench UID ADDRESS PORT CONNECTS MEGABYTES CHANGES
 *   → connect_cell_us connect_host_us cell_MBps host_MBps change_us
 *
 * ADDRESS must be an address of the caller's namespace (on lo). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_clock.h"
#include "egress/egress_nft.h"
#include "net/cell_net.h"

#define CHUNK (256 * 1024)
#define ROUNDS 5

static struct sockaddr_in target;

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

/* Accept, then read until the peer closes; forever (killed at the end). */
static pid_t start_sink(void)
{
	int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	pid_t pid;

	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(listener, (struct sockaddr *)&target, sizeof(target)) < 0 || listen(listener, 4096) < 0)
		fail("cell_egress_bench: listen");
	pid = fork();
	if (pid == 0) {
		static char buf[CHUNK];

		for (;;) {
			int fd = accept(listener, NULL, NULL);

			while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
				;
			if (fd >= 0)
				close(fd);
		}
	}
	close(listener);
	return pid;
}

/* In a child: enter `netns` (if >= 0), become `uid`, and measure; the
 * figure comes back through a pipe. */
static double measure(int netns, uint32_t uid, long connects, long megabytes)
{
	int out[2];
	double figure = -1;
	pid_t pid;

	if (pipe(out) < 0)
		fail("pipe");
	pid = fork();
	if (pid == 0) {
		static char buf[CHUNK];
		struct linger no_linger = {1, 0};
		double start, result;

		if ((netns >= 0 && setns(netns, CLONE_NEWNET) < 0) || setgid(uid) < 0 || setuid(uid) < 0)
			_exit(1);
		start = bench_now_us();
		if (connects > 0) {
			for (long i = 0; i < connects; i++) {
				int fd = socket(AF_INET, SOCK_STREAM, 0);

				if (connect(fd, (struct sockaddr *)&target, sizeof(target)) < 0)
					_exit(2);
				setsockopt(fd, SOL_SOCKET, SO_LINGER, &no_linger, sizeof(no_linger));
				close(fd);
			}
			result = (bench_now_us() - start) / (double)connects;
		} else {
			int fd = socket(AF_INET, SOCK_STREAM, 0);
			long left = megabytes * 1024 * 1024;

			if (connect(fd, (struct sockaddr *)&target, sizeof(target)) < 0)
				_exit(2);
			for (; left > 0; left -= CHUNK)
				if (write(fd, buf, CHUNK) != CHUNK)
					_exit(3);
			close(fd);
			result = (double)megabytes / ((bench_now_us() - start) / 1e6);
		}
		(void)!write(out[1], &result, sizeof(result));
		_exit(0);
	}
	close(out[1]);
	if (read(out[0], &figure, sizeof(figure)) != sizeof(figure))
		figure = -1;
	close(out[0]);
	waitpid(pid, NULL, 0);
	return figure;
}

static int commit_in(struct cc_nft_batch *batch, int netns)
{
	struct cc_err err = {0};
	int kernel_errno, rc = cc_nft_batch_commit_in(batch, netns, &kernel_errno, &err);

	if (rc < 0)
		fprintf(stderr, "cell_egress_bench: %s\n", err.msg);
	cc_nft_batch_free(batch);
	return rc;
}

int main(int argc, char **argv)
{
	struct cc_config config;
	struct cc_cell_addrs addrs;
	struct cc_nft_element allowed;
	struct cc_nft_batch *batch;
	struct cc_err err = {0};
	char rule[64], path[64], up;
	int hold[2], ready[2], netns;
	long changes;
	double *t, cell_connect, host_connect, cell_tput, host_tput, cell_rounds[ROUNDS], host_rounds[ROUNDS];
	pid_t holder, sink;
	uint32_t uid;

	if (argc != 7) {
		fprintf(stderr, "usage: %s UID ADDRESS PORT CONNECTS MEGABYTES CHANGES\n", argv[0]);
		return 2;
	}
	uid = (uint32_t)atol(argv[1]);
	changes = atol(argv[6]);
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)atoi(argv[3]));
	inet_pton(AF_INET, argv[2], &target.sin_addr);
	cc_config_defaults(&config);
	/* The cap's rules in the path, never reached: the rate of new flows
	 * follows from it, and this measures 20,000 connections. */
	config.connections_max = 1048576;

	/* The cell: a namespace held by a child, its network and its table. */
	if (pipe(hold) < 0 || pipe(ready) < 0)
		fail("pipe");
	holder = fork();
	if (holder == 0) {
		char c;

		close(hold[1]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		(void)!write(ready[1], "r", 1);
		(void)!read(hold[0], &c, 1);
		_exit(0);
	}
	close(hold[0]);
	close(ready[1]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)holder);
	netns = read(ready[0], &up, 1) == 1 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (netns < 0 || cc_cell_addrs(&config, 0, &addrs, &err) < 0 || cc_cell_net_create(&addrs, netns, &err) < 0) {
		fprintf(stderr, "cell_egress_bench: %s\n", err.msg[0] ? err.msg : "cannot make the cell's namespace");
		return 1;
	}
	memset(&allowed, 0, sizeof(allowed));
	allowed.uid = uid;
	snprintf(rule, sizeof(rule), "%s tcp %s", argv[2], argv[3]);
	if (cc_egress_parse_rule(rule, &allowed.rule, &err) < 0) {
		fprintf(stderr, "cell_egress_bench: %s\n", err.msg);
		return 1;
	}
	batch = cc_nft_batch_new();
	cc_nft_batch_replace_table(batch, &config);
	cc_nft_batch_add(batch, &allowed, 1);
	if (!getenv("CELL_BENCH_NO_TABLE") && commit_in(batch, netns) < 0)
		return 1;

	sink = start_sink();
	/* Alternating rounds, medians of each: drift hits both sides alike. */
	for (int round = 0; round < ROUNDS; round++) {
		cell_rounds[round] = measure(netns, uid, atol(argv[4]) / ROUNDS, 0);
		host_rounds[round] = measure(-1, uid, atol(argv[4]) / ROUNDS, 0);
	}
	cell_connect = bench_median(cell_rounds, ROUNDS);
	host_connect = bench_median(host_rounds, ROUNDS);
	for (int round = 0; round < ROUNDS; round++) {
		cell_rounds[round] = measure(netns, uid, 0, atol(argv[5]) / ROUNDS);
		host_rounds[round] = measure(-1, uid, 0, atol(argv[5]) / ROUNDS);
	}
	cell_tput = bench_median(cell_rounds, ROUNDS);
	host_tput = bench_median(host_rounds, ROUNDS);
	kill(sink, SIGKILL);
	waitpid(sink, NULL, 0);

	t = calloc((size_t)changes, sizeof(*t));
	for (long i = 0; t && i < changes; i++) {
		struct cc_nft_element el = {uid, {0}, 0};
		double start;

		snprintf(rule, sizeof(rule), "192.0.2.%ld tcp %ld", i % 250 + 1, 1000 + i);
		cc_egress_parse_rule(rule, &el.rule, &err);
		start = bench_now_us();
		batch = cc_nft_batch_new();
		cc_nft_batch_add(batch, &el, 1);
		if (commit_in(batch, netns) < 0)
			return 1;
		t[i] = bench_now_us() - start;
	}
	printf("%.2f %.2f %.0f %.0f %.1f\n", cell_connect, host_connect, cell_tput, host_tput,
	       t ? bench_median(t, (size_t)changes) : -1.0);
	free(t);
	close(hold[1]);
	waitpid(holder, NULL, 0);
	return cell_connect > 0 && host_connect > 0 && cell_tput > 0 && host_tput > 0 ? 0 : 1;
}
