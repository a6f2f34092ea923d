/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Try one thing a chat's kernel surface should refuse and print the
 * outcome on stdout as "NAME ok" or "NAME ERRNO" (EACCES, EPERM, ENOSYS),
 * so a test can assert which layer refused it.
 *
 *   surface_probe read PATH          open PATH for reading and read a byte
 *   surface_probe write DIR          create and remove a file in DIR
 *   surface_probe userns             unshare(CLONE_NEWUSER)
 *   surface_probe clone-userns       clone(CLONE_NEWUSER)
 *   surface_probe io_uring           io_uring_setup
 *   surface_probe bpf                bpf(BPF_PROG_LOAD) of a program at address 0
 *   surface_probe i386               getpid through int 0x80 ("i386 no-ia32"
 *                                    when the kernel runs no 32-bit code)
 *   surface_probe persona            personality(ADDR_NO_RANDOMIZE)
 *   surface_probe perf               perf_event_open of a task clock on itself
 *   surface_probe userfaultfd        userfaultfd(UFFD_USER_MODE_ONLY)
 *   surface_probe persistent-keyring keyctl(KEYCTL_GET_PERSISTENT) of its own UID
 *                                    (invalidated again at once)
 *   surface_probe persistent-keyring-high  the same with bit 32 of the option set
 *                                    (the kernel reads an int)
 *   surface_probe fanotify           fanotify_init as an unprivileged user may
 *   surface_probe request-key        request_key of a user key that is not there, with no
 *                                    callout (the kernel runs no helper): ENOKEY, or refused
 *   surface_probe tiocsetd           TIOCSETD to N_TTY on a new pty of its own
 *   surface_probe bind PORT          bind a TCP socket to 127.0.0.1:PORT
 *   surface_probe vsock              socket(AF_VSOCK, SOCK_STREAM), and the same through
 *                                    the family's value with high bits set (the
 *                                    kernel reads an int): "vsock ok ok"
 *   surface_probe landlock-abi       the Landlock ABI the kernel offers ("landlock-abi 7",
 *                                    or the errno)
 *   surface_probe nofile             the RLIMIT_NOFILE soft:hard limits
 *   surface_probe open-files N       raise the soft open-file limit to the hard one,
 *                                    then open /dev/null N times */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/fanotify.h>
#include <setjmp.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define I386_NR_GETPID 20

static int report(const char *name, long rc)
{
	if (rc < 0)
		printf("%s %s\n", name, strerrorname_np(errno));
	else
		printf("%s ok\n", name);
	return 0;
}

static int try_read(const char *path)
{
	char byte;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return report("read", -1);
	if (read(fd, &byte, 1) < 0) {
		close(fd);
		return report("read", -1);
	}
	close(fd);
	return report("read", 0);
}

static int try_write(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/surface-probe-%d", dir, (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return report("write", -1);
	close(fd);
	unlink(path);
	return report("write", 0);
}

static int try_clone_userns(void)
{
	long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return report("clone-userns", pid);
}

static int try_io_uring(void)
{
	struct io_uring_params params;
	long fd;

	memset(&params, 0, sizeof(params));
	fd = syscall(SYS_io_uring_setup, 1, &params);
	if (fd >= 0)
		close((int)fd);
	return report("io_uring", fd);
}

static int try_bpf(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	/* One instruction at address 0: the kernel says EFAULT if it looks
	 * at all (root may load programs). */
	attr.insn_cnt = 1;
	return report("bpf", syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)));
}

static sigjmp_buf ia32_fault;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(ia32_fault, 1);
}

static int try_i386(void)
{
#if defined(__x86_64__)
	long rc;

	if (sigsetjmp(ia32_fault, 1)) {
		puts("i386 no-ia32");
		return 0;
	}
	signal(SIGSEGV, on_fault);
	__asm__ volatile("int $0x80" : "=a"(rc) : "a"(I386_NR_GETPID) : "memory", "r8", "r9", "r10", "r11");
	if (rc < 0 && rc > -4096) {
		errno = (int)-rc;
		return report("i386", -1);
	}
	return report("i386", 0);
#else
	puts("i386 not-x86_64");
	return 0;
#endif
}

static int try_perf(void)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_TASK_CLOCK;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd >= 0)
		close((int)fd);
	return report("perf", fd);
}

static int try_userfaultfd(void)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);

	if (fd >= 0)
		close((int)fd);
	return report("userfaultfd", fd);
}

#define KEYCTL_GET_PERSISTENT 22
#define KEYCTL_INVALIDATE 21
#define KEY_SPEC_PROCESS_KEYRING (-2)
#define KEY_SPEC_SESSION_KEYRING (-3)

/* The keyring outlives the process (for days): invalidated at once, so
 * the probe leaves nothing in the kernel. */
static int try_persistent_keyring(const char *name, long option)
{
	long id = syscall(SYS_keyctl, option, -1, KEY_SPEC_PROCESS_KEYRING);

	report(name, id);
	if (id >= 0 && syscall(SYS_keyctl, KEYCTL_INVALIDATE, id) < 0)
		perror("surface_probe: cannot invalidate the persistent keyring");
	return 0;
}

static int try_bind(long port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&addr, sizeof(addr));

	report("bind", rc);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* As any program may: the soft limit raised to the hard one first. The
 * descriptors are closed again before the probe exits (a sanitizer's exit
 * work needs some). */
static int try_open_files(long n)
{
	struct rlimit limit;
	int first = -1, last = -1;
	long opened = 0;

	if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
	for (; opened < n; opened++) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd < 0)
			break;
		if (first < 0)
			first = fd;
		last = fd;
	}
	if (opened == n)
		printf("open-files ok %ld\n", n);
	else
		printf("open-files %s after %ld\n", strerrorname_np(errno), opened);
	if (first >= 0)
		close_range((unsigned)first, (unsigned)last, 0);
	return 0;
}

/* vsock is one port space for the whole host, outside every network
 * namespace. */
static int try_vsock(void)
{
	long plain = syscall(SYS_socket, (long)AF_VSOCK, (long)SOCK_STREAM, 0L);
	int plain_errno = errno;
	long high = syscall(SYS_socket, (long)(1UL << 32 | AF_VSOCK), (long)SOCK_STREAM, 0L);
	int high_errno = errno;

	printf("vsock %s %s\n", plain >= 0 ? "ok" : strerrorname_np(plain_errno),
	       high >= 0 ? "ok" : strerrorname_np(high_errno));
	if (plain >= 0)
		close((int)plain);
	if (high >= 0)
		close((int)high);
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	struct rlimit nofile;

	if (strcmp(what, "read") == 0 && argc == 3)
		return try_read(argv[2]);
	if (strcmp(what, "write") == 0 && argc == 3)
		return try_write(argv[2]);
	if (strcmp(what, "userns") == 0)
		return report("userns", unshare(CLONE_NEWUSER));
	if (strcmp(what, "clone-userns") == 0)
		return try_clone_userns();
	if (strcmp(what, "io_uring") == 0)
		return try_io_uring();
	if (strcmp(what, "bpf") == 0)
		return try_bpf();
	if (strcmp(what, "i386") == 0)
		return try_i386();
	if (strcmp(what, "persona") == 0)
		return report("persona", personality(ADDR_NO_RANDOMIZE));
	if (strcmp(what, "perf") == 0)
		return try_perf();
	if (strcmp(what, "userfaultfd") == 0)
		return try_userfaultfd();
	if (strcmp(what, "persistent-keyring") == 0)
		return try_persistent_keyring(what, KEYCTL_GET_PERSISTENT);
	if (strcmp(what, "persistent-keyring-high") == 0)
		return try_persistent_keyring(what, (long)(1UL << 32 | KEYCTL_GET_PERSISTENT));
	if (strcmp(what, "fanotify") == 0) {
		int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME, O_RDONLY);

		report("fanotify", fd);
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (strcmp(what, "request-key") == 0)
		return report(what, syscall(SYS_request_key, "user", "chatcell-probe-absent", NULL, KEY_SPEC_SESSION_KEYRING));
	if (strcmp(what, "tiocsetd") == 0) {
		int ptmx = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), ldisc = N_TTY;

		if (ptmx < 0)
			return report(what, -1);
		report(what, ioctl(ptmx, TIOCSETD, &ldisc));
		close(ptmx);
		return 0;
	}
	if (strcmp(what, "bind") == 0 && argc == 3)
		return try_bind(atol(argv[2]));
	if (strcmp(what, "vsock") == 0)
		return try_vsock();
	if (strcmp(what, "landlock-abi") == 0) {
		long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, 1 /* LANDLOCK_CREATE_RULESET_VERSION */);

		if (abi < 0)
			return report("landlock-abi", abi);
		printf("landlock-abi %ld\n", abi);
		return 0;
	}
	if (strcmp(what, "nofile") == 0 && getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
		printf("nofile %llu:%llu\n", (unsigned long long)nofile.rlim_cur, (unsigned long long)nofile.rlim_max);
		return 0;
	}
	if (strcmp(what, "open-files") == 0 && argc == 3)
		return try_open_files(atol(argv[2]));
	fprintf(stderr, "usage: surface_probe read PATH | write DIR | userns | clone-userns | io_uring | bpf | i386 | "
			"persona | perf | userfaultfd | persistent-keyring[-high] | fanotify | bind PORT | vsock | landlock-abi | nofile | "
			"open-files N\n");
	return 2;
}
