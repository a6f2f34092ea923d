/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cost of moving one login into a chat's cgroup, as pam_chatcell does
 * it: a fresh process is joined with the configured backend (cgroupfs
 * writes, or a transient scope over sd-bus), `runs` times; prints the
 * median in milliseconds.
 *
 *   cgroup_join_bench CONFIG UID NAME RUNS */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_clock.h"
#include "cgroup/cgroup.h"
#include "config/conf.h"



int main(int argc, char **argv)
{
	struct cc_config config;
	struct cc_limits limits;
	struct cc_err err = {0};
	enum cc_cgroup_backend backend;
	double *ms;
	int runs;

	if (argc != 5 || (runs = atoi(argv[4])) < 1) {
		fprintf(stderr, "usage: cgroup_join_bench CONFIG UID NAME RUNS\n");
		return 2;
	}
	if (cc_config_load(&config, argv[1], &err) < 0 || cc_cgroup_backend_resolve(&config, &backend, &err) < 0) {
		fprintf(stderr, "cgroup_join_bench: %s\n", err.msg);
		return 1;
	}
	cc_limits_effective(&config, -1, -1, -1, -1, NULL, &limits);
	ms = calloc((size_t)runs, sizeof(*ms));
	if (!ms)
		return 1;
	for (int i = 0; i < runs; i++) {
		pid_t child = fork();
		double t0;
		int rc;

		if (child < 0)
			return 1;
		if (child == 0) {
			pause();
			_exit(0);
		}
		t0 = bench_now_us();
		rc = cc_cgroup_join(backend, &config, (uint32_t)strtoul(argv[2], NULL, 10), argv[3], &limits, child,
				    &err);
		ms[i] = (bench_now_us() - t0) / 1e3;
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		if (rc < 0) {
			fprintf(stderr, "cgroup_join_bench: %s\n", err.msg);
			return 1;
		}
	}
	printf("%.3f\n", bench_median(ms, (size_t)runs));
	free(ms);
	return 0;
}
