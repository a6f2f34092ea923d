/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole-process latency: run COMMAND `runs` times (output discarded) and
 * print the median wall time in milliseconds. "{}" in an argument is
 * replaced by the run's index, so each run can use a new chat ID. With
 * --pty each run has a new pseudo-terminal as its controlling terminal and
 * stdin, stdout and stderr (made before the clock starts), as from an
 * interactive shell. Without --pty, ";;" separates commands run one after
 * another in each run, the next only if the last succeeded (as `a && b`,
 * without a shell's own start in the time).
 *
 *   time_runs [--pty] RUNS COMMAND [ARGS...] [;; COMMAND [ARGS...]]... */
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

/* In the child: the run's terminal, or its stdout on /dev/null. */
static void child_io(bool with_pty, int slave)
{
	if (with_pty) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		for (int fd = 0; fd < 3; fd++)
			dup2(slave, fd);
		if (slave > 2)
			close(slave);
	} else {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
	}
}

/* Read the terminal until every process of the run has closed it. */
static void drain(int master)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(master, buf, sizeof(buf));

		if (n <= 0 && !(n < 0 && errno == EINTR))
			return;
	}
}

/* Cut `args` at its first ";;": the command after it, or NULL. */
static char **next_command(char **args)
{
	for (char **a = args; *a; a++) {
		if (strcmp(*a, ";;") == 0) {
			*a = NULL;
			return a + 1;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	bool with_pty = argc > 1 && strcmp(argv[1], "--pty") == 0;
	int runs;
	double *t;

	if (with_pty)
		argv++, argc--;
	runs = argc > 2 ? atoi(argv[1]) : 0;
	if (runs < 1) {
		fprintf(stderr, "usage: %s [--pty] RUNS COMMAND [ARGS...]\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (with_pty && strcmp(argv[i], ";;") == 0) {
			fputs("time_runs: --pty runs one command\n", stderr);
			return 2;
		}
	}
	t = malloc(sizeof(double) * (size_t)runs);
	for (int i = 0; i < runs; i++) {
		char **args = expand(argv + 2, argc - 2, i), **next;
		int master = -1, slave = -1, status;
		double start;
		pid_t pid;

		if (with_pty && openpty(&master, &slave, NULL, NULL, NULL) < 0) {
			perror("time_runs: openpty");
			return 1;
		}
		start = bench_now_us();
		for (; args; args = next) {
			next = next_command(args);
			pid = fork();
			if (pid == 0) {
				child_io(with_pty, slave);
				execvp(args[0], args);
				_exit(127);
			}
			if (with_pty) {
				close(slave);
				drain(master);
				close(master);
			}
			waitpid(pid, &status, 0);
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "time_runs: run %d of %s failed (status %d)\n", i, args[0], status);
				return 1;
			}
		}
		t[i] = (bench_now_us() - start) / 1e3;
	}
	printf("%.3f\n", bench_median(t, (size_t)runs));
	return 0;
}
