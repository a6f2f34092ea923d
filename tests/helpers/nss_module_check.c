/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Checks libnss_chatcell.so.2 through its entry points, as glibc calls them,
 * against a view that the calling test set up. Prints TAP.
 *
 *   nss_module_check check CHAT_NAME CHAT_UID CHAT_COUNT
 *   nss_module_check lookup-name NAME    prints "STATUS ERRNOP UID"
 *   nss_module_check lookup-uid UID      prints "STATUS ERRNOP NAME"
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <nss.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static enum nss_status (*getpwnam_r_)(const char *, struct passwd *, char *, size_t, int *);
static enum nss_status (*getpwuid_r_)(uid_t, struct passwd *, char *, size_t, int *);
static enum nss_status (*getgrnam_r_)(const char *, struct group *, char *, size_t, int *);
static enum nss_status (*getgrgid_r_)(gid_t, struct group *, char *, size_t, int *);
static enum nss_status (*setpwent_)(int);
static enum nss_status (*getpwent_r_)(struct passwd *, char *, size_t, int *);
static enum nss_status (*endpwent_)(void);
static enum nss_status (*setgrent_)(int);
static enum nss_status (*getgrent_r_)(struct group *, char *, size_t, int *);
static enum nss_status (*endgrent_)(void);
static enum nss_status (*initgroups_dyn_)(const char *, gid_t, long *, long *, gid_t **, long, int *);

static int test_number;
static int failures;

static void ok(bool pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++test_number);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!pass)
		failures++;
}

static void *handle;

static void *sym(const char *name)
{
	void *p = dlsym(handle, name);

	if (!p) {
		printf("Bail out! libnss_chatcell.so.2 lacks %s\n", name);
		exit(1);
	}
	return p;
}

/* The installed module, or the file named by CC_NSS_MODULE (the ASan-built
 * copy under --enable-sanitizers). */
static void load(void)
{
	const char *module = getenv("CC_NSS_MODULE");

	if (!module || !*module)
		module = "libnss_chatcell.so.2";
	handle = dlopen(module, RTLD_LAZY);
	if (!handle) {
		printf("Bail out! cannot load %s: %s\n", module, dlerror());
		exit(1);
	}
	getpwnam_r_ = sym("_nss_chatcell_getpwnam_r");
	getpwuid_r_ = sym("_nss_chatcell_getpwuid_r");
	getgrnam_r_ = sym("_nss_chatcell_getgrnam_r");
	getgrgid_r_ = sym("_nss_chatcell_getgrgid_r");
	setpwent_ = sym("_nss_chatcell_setpwent");
	getpwent_r_ = sym("_nss_chatcell_getpwent_r");
	endpwent_ = sym("_nss_chatcell_endpwent");
	setgrent_ = sym("_nss_chatcell_setgrent");
	getgrent_r_ = sym("_nss_chatcell_getgrent_r");
	endgrent_ = sym("_nss_chatcell_endgrent");
	initgroups_dyn_ = sym("_nss_chatcell_initgroups_dyn");
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void check_exports(void)
{
	ok(dlsym(handle, "cc_view_lookup_name") == NULL && dlsym(handle, "cc_pack_passwd") == NULL,
	   "internal functions are not exported");
}

static void check_lookup(const char *name, uid_t uid)
{
	char buf[1024];
	struct passwd pw;
	struct group gr;
	int errnop = 777;
	enum nss_status st;

	errno = 4242;
	st = getpwnam_r_(name, &pw, buf, sizeof(buf), &errnop);
	ok(st == NSS_STATUS_SUCCESS && pw.pw_uid == uid && pw.pw_gid == uid && strcmp(pw.pw_name, name) == 0,
	   "getpwnam_r finds %s with uid %u", name, (unsigned)uid);
	ok(errno == 4242 && errnop == 777, "success leaves errno and *errnop unchanged");
	ok(strcmp(pw.pw_gecos, "chatcell chat") == 0 && strcmp(pw.pw_passwd, "*") == 0,
	   "gecos holds no chat ID and the password field is '*'");
	st = getpwuid_r_(uid, &pw, buf, sizeof(buf), &errnop);
	ok(st == NSS_STATUS_SUCCESS && strcmp(pw.pw_name, name) == 0, "getpwuid_r finds %u as %s", (unsigned)uid, name);
	st = getgrnam_r_(name, &gr, buf, sizeof(buf), &errnop);
	ok(st == NSS_STATUS_SUCCESS && gr.gr_gid == uid && gr.gr_mem[0] == NULL, "getgrnam_r finds the private group");
	st = getgrgid_r_(uid, &gr, buf, sizeof(buf), &errnop);
	ok(st == NSS_STATUS_SUCCESS && strcmp(gr.gr_name, name) == 0, "getgrgid_r finds the private group");

	errno = 4242;
	errnop = 777;
	st = getpwnam_r_("chat-000000000000", &pw, buf, sizeof(buf), &errnop);
	ok(st == NSS_STATUS_NOTFOUND && errno == 4242 && errnop == 777,
	   "an unknown chat-shaped name is NOTFOUND with errno and *errnop unchanged");
	st = getpwuid_r_(uid + 100000, &pw, buf, sizeof(buf), &errnop);
	ok(st == NSS_STATUS_NOTFOUND, "an unknown UID in the range is NOTFOUND");
	st = getpwuid_r_(0, &pw, buf, sizeof(buf), &errnop);
	ok(st == NSS_STATUS_NOTFOUND, "uid 0 is never served");
	st = getgrgid_r_(0, &gr, buf, sizeof(buf), &errnop);
	ok(st == NSS_STATUS_NOTFOUND, "gid 0 is never served");
}

static void check_erange(const char *name, uid_t uid)
{
	char buf[512];
	struct passwd pw;
	struct group gr;
	size_t need_pw = 0, need_gr = 0;
	bool exact = true;

	for (size_t len = 0; len < sizeof(buf) && !need_pw; len++) {
		int errnop = 0;
		enum nss_status st = getpwnam_r_(name, &pw, buf, len, &errnop);

		if (st == NSS_STATUS_SUCCESS)
			need_pw = len;
		else if (st != NSS_STATUS_TRYAGAIN || errnop != ERANGE)
			exact = false;
	}
	for (size_t len = 0; len < sizeof(buf) && !need_gr; len++) {
		int errnop = 0;
		enum nss_status st = getgrgid_r_(uid, &gr, buf, len, &errnop);

		if (st == NSS_STATUS_SUCCESS)
			need_gr = len;
		else if (st != NSS_STATUS_TRYAGAIN || errnop != ERANGE)
			exact = false;
	}
	ok(exact && need_pw > 0 && need_gr > 0,
	   "every buffer below the needed size gives TRYAGAIN/ERANGE (passwd needs %zu, group %zu)", need_pw, need_gr);
}

/* Non-chat names and UIDs must be refused before any system call: run the
 * lookups under seccomp strict mode, where any syscall but read, write,
 * exit and sigreturn kills the process. */
static void check_no_syscall_for_strangers(const char *chat_name)
{
	int pipefd[2], status;
	pid_t pid;
	char verdict = 0;

	if (pipe(pipefd) < 0)
		exit(1);
	pid = fork();
	if (pid == 0) {
		char buf[1024];
		struct passwd pw;
		struct group gr;
		long start = 1, size = 1;
		gid_t *groups = NULL;
		int errnop;
		bool all = true;

		close(pipefd[0]);
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0)
			_exit(3);
		all &= getpwnam_r_("root", &pw, buf, sizeof(buf), &errnop) == NSS_STATUS_NOTFOUND;
		all &= getpwnam_r_("www-data", &pw, buf, sizeof(buf), &errnop) == NSS_STATUS_NOTFOUND;
		all &= getpwnam_r_("systemd-network", &pw, buf, sizeof(buf), &errnop) == NSS_STATUS_NOTFOUND;
		all &= getpwuid_r_(0, &pw, buf, sizeof(buf), &errnop) == NSS_STATUS_NOTFOUND;
		all &= getpwuid_r_(1000, &pw, buf, sizeof(buf), &errnop) == NSS_STATUS_NOTFOUND;
		all &= getpwuid_r_(65534, &pw, buf, sizeof(buf), &errnop) == NSS_STATUS_NOTFOUND;
		all &= getpwuid_r_(4294967294u, &pw, buf, sizeof(buf), &errnop) == NSS_STATUS_NOTFOUND;
		all &= getgrnam_r_("adm", &gr, buf, sizeof(buf), &errnop) == NSS_STATUS_NOTFOUND;
		all &= getgrgid_r_(100, &gr, buf, sizeof(buf), &errnop) == NSS_STATUS_NOTFOUND;
		all &= initgroups_dyn_("alice", 100, &start, &size, &groups, -1, &errnop) == NSS_STATUS_NOTFOUND;
		all &= initgroups_dyn_(chat_name, 100, &start, &size, &groups, -1, &errnop) == NSS_STATUS_NOTFOUND;
		all &= start == 1;
		verdict = all ? 'Y' : 'N';
		if (write(pipefd[1], &verdict, 1) != 1)
			syscall(SYS_exit, 2);
		syscall(SYS_exit, 0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &verdict, 1) != 1)
		verdict = 0;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && verdict == 'Y',
	   "non-chat names and UIDs (and initgroups) are refused without a single system call (status %d)", status);
}

/* Enumerate with a buffer that is too small for every entry at first, so
 * each entry goes through ERANGE before it is returned; a lookup in the
 * middle must not restart the walk. */
static void check_enumeration(const char *name, long expected)
{
	char small[16], big[1024];
	struct passwd pw;
	struct group gr;
	long seen = 0, seen_groups = 0, eranges = 0;
	int errnop, fd_flags = -1;
	bool found_name = false, interrupted = false;
	bool open_before[1024] = {false};
	enum nss_status st;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	while ((de = readdir(d)))
		if (atoi(de->d_name) < 1024 && atoi(de->d_name) != dirfd(d))
			open_before[atoi(de->d_name)] = true;
	closedir(d);
	setpwent_(0);
	for (;;) {
		st = getpwent_r_(&pw, small, sizeof(small), &errnop);
		if (st == NSS_STATUS_TRYAGAIN && errnop == ERANGE) {
			eranges++;
			st = getpwent_r_(&pw, big, sizeof(big), &errnop);
		}
		if (st != NSS_STATUS_SUCCESS)
			break;
		seen++;
		found_name |= strcmp(pw.pw_name, name) == 0;
		if (seen == expected / 2 && !interrupted) {
			char buf[1024];
			struct passwd other;

			interrupted = true;
			getpwnam_r_(name, &other, buf, sizeof(buf), &errnop);
			d = opendir("/proc/self/fd");
			while ((de = readdir(d))) {
				int fd = atoi(de->d_name);

				if (fd < 1024 && !open_before[fd] && fd != dirfd(d))
					fd_flags = fcntl(fd, F_GETFD);
			}
			closedir(d);
		}
	}
	ok(st == NSS_STATUS_NOTFOUND && errnop == ENOENT, "enumeration ends with NOTFOUND/ENOENT");
	endpwent_();
	ok(seen == expected && eranges == expected && found_name,
	   "getpwent_r returns each of the %ld chats exactly once, each after an ERANGE retry (saw %ld, %ld retries)",
	   expected, seen, eranges);
	ok(fd_flags >= 0 && (fd_flags & FD_CLOEXEC), "the one fd held during enumeration is close-on-exec (flags %d)", fd_flags);

	setgrent_(0);
	while (getgrent_r_(&gr, big, sizeof(big), &errnop) == NSS_STATUS_SUCCESS)
		seen_groups++;
	endgrent_();
	ok(seen_groups == expected, "getgrent_r returns each private group once (%ld)", seen_groups);
}

static void check_no_fds_held(const char *name, uid_t uid)
{
	char buf[1024];
	struct passwd pw;
	int errnop, before = count_fds();

	for (int i = 0; i < 100; i++) {
		getpwnam_r_(name, &pw, buf, sizeof(buf), &errnop);
		getpwuid_r_(uid, &pw, buf, sizeof(buf), &errnop);
		getpwnam_r_("chat-ffffffffffff", &pw, buf, sizeof(buf), &errnop);
	}
	setpwent_(0);
	endpwent_();
	ok(count_fds() == before, "lookups and a closed enumeration leave no descriptor open");
}

struct thread_arg {
	const char *name;
	uid_t uid;
	int failures;
};

static void *lookup_thread(void *p)
{
	struct thread_arg *a = p;
	char buf[1024];
	struct passwd pw;
	int errnop;

	for (int i = 0; i < 2000; i++) {
		if (getpwnam_r_(a->name, &pw, buf, sizeof(buf), &errnop) != NSS_STATUS_SUCCESS || pw.pw_uid != a->uid)
			a->failures++;
		if (getpwuid_r_(a->uid, &pw, buf, sizeof(buf), &errnop) != NSS_STATUS_SUCCESS ||
		    strcmp(pw.pw_name, a->name) != 0)
			a->failures++;
	}
	return NULL;
}

static void check_threads_and_fork(const char *name, uid_t uid)
{
	pthread_t threads[8];
	struct thread_arg args[8];
	int total = 0, status;
	pid_t pid;

	for (int i = 0; i < 8; i++) {
		args[i] = (struct thread_arg){name, uid, 0};
		pthread_create(&threads[i], NULL, lookup_thread, &args[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(threads[i], NULL);
		total += args[i].failures;
	}
	ok(total == 0, "8 threads x 4000 concurrent lookups all succeed (%d failures)", total);

	pid = fork();
	if (pid == 0) {
		struct thread_arg a = {name, uid, 0};

		lookup_thread(&a);
		_exit(a.failures ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "lookups work in a forked child");
}

static const char *status_name(enum nss_status st)
{
	switch (st) {
	case NSS_STATUS_SUCCESS:
		return "SUCCESS";
	case NSS_STATUS_NOTFOUND:
		return "NOTFOUND";
	case NSS_STATUS_UNAVAIL:
		return "UNAVAIL";
	case NSS_STATUS_TRYAGAIN:
		return "TRYAGAIN";
	default:
		return "RETURN";
	}
}

int main(int argc, char **argv)
{
	char buf[1024];
	struct passwd pw;
	int errnop = 0;
	enum nss_status st;

	load();
	if (argc == 3 && strcmp(argv[1], "lookup-name") == 0) {
		st = getpwnam_r_(argv[2], &pw, buf, sizeof(buf), &errnop);
		printf("%s %d %u\n", status_name(st), errnop, st == NSS_STATUS_SUCCESS ? (unsigned)pw.pw_uid : 0);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "lookup-uid") == 0) {
		st = getpwuid_r_((uid_t)strtoul(argv[2], NULL, 10), &pw, buf, sizeof(buf), &errnop);
		printf("%s %d %s\n", status_name(st), errnop, st == NSS_STATUS_SUCCESS ? pw.pw_name : "-");
		return 0;
	}
	if (argc != 5 || strcmp(argv[1], "check") != 0) {
		fprintf(stderr, "usage: %s check NAME UID COUNT | lookup-name NAME | lookup-uid UID\n", argv[0]);
		return 2;
	}
	check_exports();
	check_lookup(argv[2], (uid_t)strtoul(argv[3], NULL, 10));
	check_erange(argv[2], (uid_t)strtoul(argv[3], NULL, 10));
	check_no_syscall_for_strangers(argv[2]);
	check_enumeration(argv[2], strtol(argv[4], NULL, 10));
	check_no_fds_held(argv[2], (uid_t)strtoul(argv[3], NULL, 10));
	check_threads_and_fork(argv[2], (uid_t)strtoul(argv[3], NULL, 10));
	printf("1..%d\n", test_number);
	return failures ? 1 : 0;
}
