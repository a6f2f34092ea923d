/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the kernel-surface layers add to a session's setup. A fresh
 * process installs the session's seccomp filter and Landlock ruleset as
 * pam_chatcell does, and exits:
 *   kept:  the ruleset its cell's keeper made once, fetched with
 *          pidfd_getfd() and enforced (a login into a running cell);
 *   built: a ruleset it builds itself from the configuration (a login
 *          whose configuration changed since its cell started);
 * the anchor is the same fresh process doing nothing. Prints
 * "KEPT_US BUILT_US ANCHOR_US", medians of `runs`, in microseconds. Here
 * this process stands in for the keeper.
 *
 *   surface_bench CONFIG NAME RUNS */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "bench_clock.h"
#include "config/conf.h"
#include "sandbox/landlock.h"
#include "sandbox/syscall_filter.h"

enum layers { NONE, KEPT, BUILT };

static int apply(enum layers layers, const struct cc_config *config, const struct cc_landlock_keep *keep,
		 int keeper, int kept, struct cc_err *err)
{
	const char *skipped;

	if (layers == NONE)
		return 0;
	if (cc_syscall_filter_install(config, err) < 0)
		return -1;
	if (layers == BUILT)
		return cc_landlock_restrict(config, keep->home, &skipped, err) < 0 ? -1 : 0;
	{
		cc_cleanup_close int ruleset = (int)syscall(SYS_pidfd_getfd, keeper, kept, 0);

		return ruleset < 0 ? -1 : cc_landlock_enforce(ruleset, err);
	}
}

/* One fork + layers + exit + wait, in µs. */
static double once(enum layers layers, const struct cc_config *config, const struct cc_landlock_keep *keep,
		   int keeper, int kept)
{
	double start = bench_now_us();
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct cc_err err = {0};

		if (apply(layers, config, keep, keeper, kept, &err) < 0) {
			fprintf(stderr, "surface_bench: %s\n", err.msg[0] ? err.msg : "pidfd_getfd failed");
			_exit(1);
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || status != 0)
		exit(1);
	return bench_now_us() - start;
}

int main(int argc, char **argv)
{
	struct cc_landlock_keep keep;
	struct cc_config config;
	struct cc_err err = {0};
	const char *skipped;
	double *us;
	int runs, kept, keeper;

	if (argc != 4 || (runs = atoi(argv[3])) < 1) {
		fprintf(stderr, "usage: surface_bench CONFIG NAME RUNS\n");
		return 2;
	}
	if (cc_config_load(&config, argv[1], &err) < 0) {
		fprintf(stderr, "surface_bench: %s\n", err.msg);
		return 1;
	}
	cc_landlock_keep_init(&keep, &config, argv[2]);
	keeper = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (keeper < 0 || cc_landlock_prepare(&config, keep.home, -1, &kept, &skipped, &err) <= 0) {
		fprintf(stderr, "surface_bench: no ruleset: %s\n", err.msg[0] ? err.msg : skipped ? skipped : "pidfd_open");
		return 1;
	}
	us = calloc(3 * (size_t)runs, sizeof(*us));
	if (!us)
		return 1;
	for (int i = 0; i < runs / 10 + 1; i++) /* warm up */
		once(KEPT, &config, &keep, keeper, kept);
	/* Interleaved, so that the machine's drift during the run does not
	 * fall on one variant. */
	for (int i = 0; i < runs; i++)
		for (enum layers l = NONE; l <= BUILT; l++)
			us[(size_t)l * (size_t)runs + (size_t)i] = once(l, &config, &keep, keeper, kept);
	printf("%.1f %.1f %.1f\n", bench_median(us + (size_t)KEPT * (size_t)runs, (size_t)runs),
	       bench_median(us + (size_t)BUILT * (size_t)runs, (size_t)runs),
	       bench_median(us + (size_t)NONE * (size_t)runs, (size_t)runs));
	free(us);
	return 0;
}
