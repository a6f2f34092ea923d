/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Run a command and SIGKILL it when it enters its N-th system call (the
 * call never runs), to simulate a crash at an exact instant. Children the
 * command forks are not traced. Exits 137 if the kill happened, otherwise
 * with the command's own status. With N = 0 nothing is killed and the
 * number of system calls made is printed on stderr.
 *
 *   kill_at_syscall N COMMAND [ARGS...] */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long target, entries = 0;
	int status, in_syscall = 0;
	pid_t pid;

	if (argc < 3 || (target = strtol(argv[1], NULL, 10)) < 0) {
		fprintf(stderr, "usage: %s N COMMAND [ARGS...]\n", argv[0]);
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEEXEC));
	ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
	for (;;) {
		int signal = 0;

		if (waitpid(pid, &status, 0) < 0)
			return 1;
		if (WIFEXITED(status)) {
			if (target == 0)
				fprintf(stderr, "%ld\n", entries);
			return WEXITSTATUS(status);
		}
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			in_syscall = !in_syscall;
			if (in_syscall && ++entries == target) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				return 137;
			}
		} else if (WSTOPSIG(status) == SIGTRAP && (status >> 16) == PTRACE_EVENT_EXEC) {
			signal = 0; /* the exec event, not a real signal */
		} else {
			signal = WSTOPSIG(status); /* pass genuine signals on */
		}
		ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)signal);
	}
}
