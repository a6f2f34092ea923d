/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NSS lookup costs, measured in one run through the modules' own entry
 * points (dlopen'ed the way glibc loads them): libnss_chatcell against
 * libnss_files. Prints medians in microseconds and their ratios.
 *
 *   nss_lookup_bench CHAT_NAME CHAT_UID FILES_NAME FILES_UID [ROUNDS]
 *
 * "first" is the first lookup in a freshly forked process that has loaded
 * the module but never used it; "repeated" is the median of a warm loop. */
#include <dlfcn.h>
#include <errno.h>
#include <nss.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_clock.h"

typedef enum nss_status (*getpwnam_fn)(const char *, struct passwd *, char *, size_t, int *);
typedef enum nss_status (*getpwuid_fn)(uid_t, struct passwd *, char *, size_t, int *);

struct module {
	const char *label;
	getpwnam_fn by_name;
	getpwuid_fn by_uid;
};




static void load(struct module *m, const char *lib, const char *name, const char *label)
{
	char sym[64];
	void *h = dlopen(lib, RTLD_LAZY); /* as glibc's NSS loader does */

	if (!h) {
		fprintf(stderr, "cannot load %s: %s\n", lib, dlerror());
		exit(1);
	}
	m->label = label;
	snprintf(sym, sizeof(sym), "_nss_%s_getpwnam_r", name);
	m->by_name = (getpwnam_fn)dlsym(h, sym);
	snprintf(sym, sizeof(sym), "_nss_%s_getpwuid_r", name);
	m->by_uid = (getpwuid_fn)dlsym(h, sym);
	if (!m->by_name || !m->by_uid) {
		fprintf(stderr, "%s lacks getpwnam_r/getpwuid_r\n", lib);
		exit(1);
	}
}

static int lookup(const struct module *m, const char *name, uid_t uid)
{
	char buf[1024];
	struct passwd pw;
	int err = 0;
	enum nss_status st = name ? m->by_name(name, &pw, buf, sizeof(buf), &err)
				  : m->by_uid(uid, &pw, buf, sizeof(buf), &err);

	return st == NSS_STATUS_SUCCESS ? 0 : -1;
}

/* Median of `rounds` timed lookups in a warm loop. */
static double repeated(const struct module *m, const char *name, uid_t uid, int rounds)
{
	double *t = malloc(sizeof(double) * (size_t)rounds);
	double result;

	for (int i = 0; i < 100; i++)
		lookup(m, name, uid);
	for (int i = 0; i < rounds; i++) {
		double start = bench_now_us();

		if (lookup(m, name, uid) < 0) {
			fprintf(stderr, "%s: lookup of %s failed\n", m->label, name ? name : "uid");
			exit(1);
		}
		t[i] = bench_now_us() - start;
	}
	result = bench_median(t, (size_t)rounds);
	free(t);
	return result;
}

/* Median over `rounds` fresh processes (fork + exec of this program) of
 * the first lookup's cost; loading the module is not timed. */
static double first(const char *self, const char *module, const char *name, int rounds)
{
	double *t = malloc(sizeof(double) * (size_t)rounds);
	double result;

	for (int i = 0; i < rounds; i++) {
		int pipefd[2];
		pid_t pid;

		if (pipe(pipefd) < 0)
			exit(1);
		pid = fork();
		if (pid == 0) {
			char fd_text[16];

			snprintf(fd_text, sizeof(fd_text), "%d", pipefd[1]);
			close(pipefd[0]);
			execl(self, self, "--first-child", module, name, fd_text, (char *)NULL);
			_exit(127);
		}
		close(pipefd[1]);
		if (read(pipefd[0], &t[i], sizeof(t[i])) != sizeof(t[i]) || t[i] < 0) {
			fprintf(stderr, "%s: first lookup failed\n", module);
			exit(1);
		}
		close(pipefd[0]);
		waitpid(pid, NULL, 0);
	}
	result = bench_median(t, (size_t)rounds);
	free(t);
	return result;
}

/* In the exec'd child: load the module like glibc does, then time one lookup. */
static int first_child(const char *module, const char *name, int fd)
{
	struct module m;
	char lib[64];
	double start, elapsed;

	snprintf(lib, sizeof(lib), "libnss_%s.so.2", module);
	load(&m, lib, module, module);
	start = bench_now_us();
	elapsed = lookup(&m, name, 0) < 0 ? -1 : bench_now_us() - start;
	return write(fd, &elapsed, sizeof(elapsed)) == sizeof(elapsed) ? 0 : 1;
}

/* A name and a UID that are not chats: the cost of saying no. */
static double rejected(const struct module *m, int rounds)
{
	double start = bench_now_us();

	for (int i = 0; i < rounds; i++) {
		lookup(m, "www-data", 0);
		lookup(m, NULL, 1000);
	}
	return (bench_now_us() - start) / (2.0 * rounds);
}

int main(int argc, char **argv)
{
	struct module chatcell, files;
	int rounds = argc > 5 ? atoi(argv[5]) : 2000;
	uid_t chat_uid, files_uid;
	double c_name, c_uid, f_name, f_uid, c_first, f_first;

	if (argc == 5 && strcmp(argv[1], "--first-child") == 0)
		return first_child(argv[2], argv[3], atoi(argv[4]));
	if (argc < 5) {
		fprintf(stderr, "usage: %s CHAT_NAME CHAT_UID FILES_NAME FILES_UID [ROUNDS]\n", argv[0]);
		return 2;
	}
	chat_uid = (uid_t)strtoul(argv[2], NULL, 10);
	files_uid = (uid_t)strtoul(argv[4], NULL, 10);
	load(&chatcell, "libnss_chatcell.so.2", "chatcell", "chatcell");
	load(&files, "libnss_files.so.2", "files", "files");

	c_first = first("/proc/self/exe", "chatcell", argv[1], rounds / 10);
	f_first = first("/proc/self/exe", "files", argv[3], rounds / 10);
	c_name = repeated(&chatcell, argv[1], 0, rounds);
	c_uid = repeated(&chatcell, NULL, chat_uid, rounds);
	f_name = repeated(&files, argv[3], 0, rounds);
	f_uid = repeated(&files, NULL, files_uid, rounds);

	printf("nss first lookup by name (fresh process): chatcell %.2f us, files %.2f us, ratio %.2f\n", c_first,
	       f_first, c_first / f_first);
	printf("nss repeated lookup by name:              chatcell %.2f us, files %.2f us, ratio %.2f\n", c_name,
	       f_name, c_name / f_name);
	printf("nss repeated lookup by uid:               chatcell %.2f us, files %.2f us, ratio %.2f\n", c_uid, f_uid,
	       c_uid / f_uid);
	printf("nss non-chat name/uid rejected:           chatcell %.3f us per lookup\n", rejected(&chatcell, rounds));
	return 0;
}
