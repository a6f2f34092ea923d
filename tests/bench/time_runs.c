/* Whole-process latency: run COMMAND `runs` times (output discarded) and
 * print the median wall time in milliseconds. "{}" in an argument is
 * replaced by the run's index, so each run can use a new chat ID.
 *
 *   time_runs RUNS COMMAND [ARGS...] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_clock.h"



/* Copy argv with every "{}" replaced by `index`. */
static char **expand(char **argv, int argc, int index)
{
	char **out = calloc((size_t)argc + 1, sizeof(char *));
	char number[16];

	snprintf(number, sizeof(number), "%d", index);
	for (int i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) * 8 + 1;
		char *dst = out[i] = malloc(len);

		for (const char *src = argv[i]; *src;) {
			if (src[0] == '{' && src[1] == '}') {
				dst = stpcpy(dst, number);
				src += 2;
			} else {
				*dst++ = *src++;
			}
		}
		*dst = '\0';
	}
	return out;
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[1]) : 0;
	double *t;

	if (runs < 1) {
		fprintf(stderr, "usage: %s RUNS COMMAND [ARGS...]\n", argv[0]);
		return 2;
	}
	t = malloc(sizeof(double) * (size_t)runs);
	for (int i = 0; i < runs; i++) {
		char **args = expand(argv + 2, argc - 2, i);
		double start = bench_now_us();
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, STDOUT_FILENO);
			execvp(args[0], args);
			_exit(127);
		}
		waitpid(pid, &status, 0);
		t[i] = (bench_now_us() - start) / 1e3;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "time_runs: run %d of %s failed (status %d)\n", i, args[0], status);
			return 1;
		}
	}
	printf("%.3f\n", bench_median(t, (size_t)runs));
	return 0;
}
