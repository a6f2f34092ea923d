/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A cell's network made and removed through lib/net, against the anchor:
 * the same links, addresses, neighbours and routes made by `ip` processes
 * (13 of them and one sysctl write; `ip link del` to remove). Each cell
 * gets a network namespace of its own, made beforehand and not timed.
 * Prints, in microseconds, the medians of lib/net's create, teardown and
 * both, the anchor's create and teardown, and the slab the kernel holds
 * per cell (KiB) while all `cells` of lib/net are up:
 *
 *   cell_net_bench CELLS ANCHOR_CELLS
 *   → create teardown both anchor_create anchor_teardown slab_kib */
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_clock.h"
#include "net/cell_net.h"

static long slab_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

/* Run `ip ARGS...` (in network namespace netns_fd if >= 0); 0 on success. */
static int ip(int netns_fd, const char *args)
{
	char copy[512], *argv[24], *save = NULL;
	int n = 0, status;
	pid_t pid;

	snprintf(copy, sizeof(copy), "ip %s", args);
	for (char *tok = strtok_r(copy, " ", &save); tok && n < 23; tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		if (netns_fd >= 0 && setns(netns_fd, CLONE_NEWNET) < 0)
			_exit(127);
		execvp("ip", argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The anchor: what lib/net does, one `ip` process a step. */
static int anchor_create(const struct cc_cell_addrs *a, int netns_fd)
{
	char v4[INET_ADDRSTRLEN], v6[INET6_ADDRSTRLEN], cmd[512], path[128];
	const char *l = a->host_link;
	FILE *f;
	int rc = 0;

	inet_ntop(AF_INET, a->ipv4, v4, sizeof(v4));
	inet_ntop(AF_INET6, a->ipv6, v6, sizeof(v6));
	snprintf(cmd, sizeof(cmd), "link add %s address ee:ee:ee:ee:ee:ee type veth peer name eth0 netns /proc/%d/fd/%d",
		 l, (int)getpid(), netns_fd);
	rc |= ip(-1, cmd);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/proxy_arp", l);
	f = fopen(path, "we");
	rc |= !f || fputs("1\n", f) < 0;
	if (f)
		fclose(f);
	snprintf(cmd, sizeof(cmd), "link set %s addrgenmode none up", l);
	rc |= ip(-1, cmd);
	snprintf(cmd, sizeof(cmd), "addr add fe80::1/64 dev %s nodad", l);
	rc |= ip(-1, cmd);
	snprintf(cmd, sizeof(cmd), "route add %s/32 dev %s proto static", v4, l);
	rc |= ip(-1, cmd);
	snprintf(cmd, sizeof(cmd), "-6 route add %s/128 dev %s proto static", v6, l);
	rc |= ip(-1, cmd);
	rc |= ip(netns_fd, "link set eth0 addrgenmode none up");
	rc |= ip(netns_fd, "link set lo up");
	snprintf(cmd, sizeof(cmd), "addr add %s/32 dev eth0", v4);
	rc |= ip(netns_fd, cmd);
	snprintf(cmd, sizeof(cmd), "addr add %s/128 dev eth0 nodad", v6);
	rc |= ip(netns_fd, cmd);
	rc |= ip(netns_fd, "neigh add 169.254.1.1 lladdr ee:ee:ee:ee:ee:ee dev eth0 nud permanent");
	rc |= ip(netns_fd, "neigh add fe80::1 lladdr ee:ee:ee:ee:ee:ee dev eth0 nud permanent");
	rc |= ip(netns_fd, "route add default via 169.254.1.1 dev eth0 onlink proto static");
	rc |= ip(netns_fd, "-6 route add default via fe80::1 dev eth0 proto static");
	return rc ? -1 : 0;
}

/* A new network namespace, as a descriptor; the caller's stays its own. */
static int new_netns(int self)
{
	int fd;

	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	fd = open("/proc/thread-self/ns/net", O_RDONLY); /* inherited: `ip` opens it by path */
	if (setns(self, CLONE_NEWNET) < 0)
		exit(1);
	return fd;
}

int main(int argc, char **argv)
{
	struct cc_config config;
	struct cc_err err = {0};
	int cells = argc == 3 ? atoi(argv[1]) : 0, anchors = argc == 3 ? atoi(argv[2]) : 0;
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	double *create, *teardown, *both, *a_create, *a_teardown;
	int *fds;
	long slab0, slab1;

	if (cells < 1 || anchors < 1 || anchors > cells || self < 0) {
		fprintf(stderr, "usage: cell_net_bench CELLS ANCHOR_CELLS (ANCHOR_CELLS <= CELLS)\n");
		return 2;
	}
	cc_config_defaults(&config);
	fds = calloc((size_t)cells, sizeof(*fds));
	create = calloc((size_t)cells, sizeof(double));
	teardown = calloc((size_t)cells, sizeof(double));
	both = calloc((size_t)cells, sizeof(double));
	a_create = calloc((size_t)anchors, sizeof(double));
	a_teardown = calloc((size_t)anchors, sizeof(double));
	if (!fds || !create || !teardown || !both || !a_create || !a_teardown)
		return 1;
	for (int i = 0; i < cells; i++)
		if ((fds[i] = new_netns(self)) < 0) {
			perror("cell_net_bench: a network namespace");
			return 1;
		}
	slab0 = slab_kib();
	for (int i = 0; i < cells; i++) {
		struct cc_cell_addrs a;
		double t0 = bench_now_us();

		if (cc_cell_addrs(&config, (uint32_t)i, &a, &err) < 0 || cc_cell_net_create(&a, fds[i], &err) < 0) {
			fprintf(stderr, "cell_net_bench: %s\n", err.msg);
			return 1;
		}
		create[i] = bench_now_us() - t0;
	}
	slab1 = slab_kib();
	for (int i = 0; i < cells; i++) {
		double t0 = bench_now_us();

		if (cc_cell_net_destroy((uint32_t)i, &err) < 0) {
			fprintf(stderr, "cell_net_bench: %s\n", err.msg);
			return 1;
		}
		teardown[i] = bench_now_us() - t0;
		both[i] = create[i] + teardown[i];
	}
	for (int i = 0; i < anchors; i++) {
		struct cc_cell_addrs a;
		char cmd[64];
		double t0 = bench_now_us();

		cc_cell_addrs(&config, (uint32_t)i, &a, &err);
		if (anchor_create(&a, fds[i]) < 0) {
			fprintf(stderr, "cell_net_bench: an ip command failed for %s\n", a.host_link);
			return 1;
		}
		a_create[i] = bench_now_us() - t0;
		t0 = bench_now_us();
		snprintf(cmd, sizeof(cmd), "link del %s", a.host_link);
		if (ip(-1, cmd) < 0)
			return 1;
		a_teardown[i] = bench_now_us() - t0;
	}
	printf("%.0f %.0f %.0f %.0f %.0f %.1f\n", bench_median(create, (size_t)cells),
	       bench_median(teardown, (size_t)cells), bench_median(both, (size_t)cells),
	       bench_median(a_create, (size_t)anchors), bench_median(a_teardown, (size_t)anchors),
	       (double)(slab1 - slab0) / cells);
	return 0;
}
