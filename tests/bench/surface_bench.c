/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the kernel-surface layers add to a session's setup: a fresh process
 * installs the session's seccomp filter and Landlock ruleset exactly as
 * pam_chatcell does (cc_syscall_filter_install, cc_landlock_restrict with the
 * configuration's grants and HOME) and exits; the anchor is the same
 * fresh process doing nothing. Prints "LAYERS_US ANCHOR_US" (medians of
 * `runs`, in microseconds).
 *
 *   surface_bench CONFIG HOME RUNS */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_clock.h"
#include "config/conf.h"
#include "sandbox/syscall_filter.h"
#include "sandbox/landlock.h"

/* The median time of `runs` fork + (layers) + exit + wait, in µs. */
static double measure(const struct cc_config *config, const char *home, int runs, int layers)
{
	double *us = calloc((size_t)runs, sizeof(*us));
	double median;

	if (!us)
		exit(1);
	for (int i = 0; i < runs; i++) {
		double start = bench_now_us();
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			struct cc_landlock_grants grants = {.home = home, .tty_fd = -1};
			struct cc_err err = {0};
			const char *skipped;

			if (layers && (cc_syscall_filter_install(config, &err) < 0 ||
				       cc_landlock_restrict(config, &grants, &skipped, &err) < 0)) {
				fprintf(stderr, "surface_bench: %s\n", err.msg);
				_exit(1);
			}
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || status != 0)
			exit(1);
		us[i] = bench_now_us() - start;
	}
	median = bench_median(us, (size_t)runs);
	free(us);
	return median;
}

int main(int argc, char **argv)
{
	struct cc_config config;
	struct cc_err err = {0};
	int runs;

	if (argc != 4 || (runs = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: surface_bench CONFIG HOME RUNS\n");
		return 2;
	}
	if (cc_config_load(&config, argv[1], &err) < 0) {
		fprintf(stderr, "surface_bench: %s\n", err.msg);
		return 1;
	}
	measure(&config, argv[2], runs / 10 + 1, 1); /* warm up */
	printf("%.1f %.1f\n", measure(&config, argv[2], runs, 1), measure(&config, argv[2], runs, 0));
	return 0;
}
