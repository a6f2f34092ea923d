/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Terminal attacks a chat command might try, each reporting its exact
 * outcome (one line per attempt, "NAME ok" or "NAME ERRNO") to the report
 * file, so a test can tell which layer refused it.
 *
 *   tty_probe REPORT sti TEXT       TIOCSTI each byte of TEXT into fd 0 ("\n"
 *                                   in TEXT is a newline)
 *   tty_probe REPORT sti32 TEXT     the same through the i386 ABI (int 0x80)
 *   tty_probe REPORT linux          TIOCLINUX (TIOCL_PASTESEL) on fd 0
 *   tty_probe REPORT linux32        the same through int 0x80
 *   tty_probe REPORT linger FIFO    leave a process behind that, once a line
 *                                   arrives on FIFO, tries the caller's
 *                                   terminal: /dev/tty, write(1), read(0)
 *   tty_probe REPORT ttyname        fd 0 and the controlling terminal (device:inode)
 *
 * On a kernel that runs no 32-bit code int 0x80 faults; the i386 attempts
 * then report "NAME no-ia32". */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define I386_NR_IOCTL 54
/* The error of an int 0x80 that faulted. */
#define NO_IA32 (-1)

static const char *report_path;
static FILE *report;

/* Opened on first use: the report may be a fifo the test reads. */
static void outcome(const char *what, long rc, int err)
{
	if (!report)
		report = fopen(report_path, "a");
	if (!report)
		exit(2);
	if (rc < 0 && err == NO_IA32)
		fprintf(report, "%s no-ia32\n", what);
	else if (rc < 0)
		fprintf(report, "%s %s\n", what, strerrorname_np(err) ? strerrorname_np(err) : "?");
	else if (strchr(what, ' '))
		fprintf(report, "%s\n", what);
	else
		fprintf(report, "%s ok\n", what);
	fflush(report);
}

static sigjmp_buf ia32_fault;

static void on_fault(int sig)
{
	(void)sig;
	siglongjmp(ia32_fault, 1);
}

/* ioctl through the 32-bit entry point; arg must lie below 4 GiB. A
 * fault (no IA-32 emulation) sets *faulted. */
static long ioctl_i386(int fd, unsigned long request, void *arg, int *faulted)
{
	long rc;

	*faulted = 0;
	if (sigsetjmp(ia32_fault, 1)) {
		*faulted = 1;
		return -1;
	}
	signal(SIGSEGV, on_fault);
	__asm__ volatile("int $0x80"
			 : "=a"(rc)
			 : "a"(I386_NR_IOCTL), "b"(fd), "c"(request), "d"(arg)
			 : "memory", "r8", "r9", "r10", "r11");
	return rc;
}

static char *low_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED) {
		perror("tty_probe: mmap");
		exit(2);
	}
	return p;
}

/* ioctl(0, request, arg) through the chosen ABI; the errno in *err. */
static long ioctl_via(int i386, unsigned long request, char *arg, int *err)
{
	long rc;

	if (i386) {
		int faulted;

		rc = ioctl_i386(0, request, arg, &faulted);
		*err = faulted ? NO_IA32 : rc < 0 ? (int)-rc : 0;
	} else {
		rc = ioctl(0, request, arg);
		*err = errno;
	}
	return rc;
}

static void inject(const char *text, int i386)
{
	char *byte = low_page();
	long rc = 0;
	int err = 0;

	for (const char *c = text; *c && rc >= 0; c++) {
		*byte = *c;
		if (c[0] == '\\' && c[1] == 'n')
			*byte = '\n', c++;
		rc = ioctl_via(i386, TIOCSTI, byte, &err);
	}
	outcome(i386 ? "TIOCSTI(i386)" : "TIOCSTI", rc, err);
}

static void console(int i386)
{
	char *sub = low_page();
	int err;
	long rc;

	*sub = 3; /* TIOCL_PASTESEL: paste the console selection as input */
	rc = ioctl_via(i386, TIOCLINUX, sub, &err);
	outcome(i386 ? "TIOCLINUX(i386)" : "TIOCLINUX", rc, err);
}

static void linger(const char *fifo)
{
	char line[64];
	int fd, tty;
	long rc;

	signal(SIGHUP, SIG_IGN); /* before the fork: the terminal hangs up as the command ends */
	if (fork() != 0)
		exit(0); /* the command ends; this process stays behind */
	fd = open(fifo, O_RDONLY);
	if (fd < 0 || read(fd, line, sizeof(line)) <= 0)
		exit(2);
	tty = open("/dev/tty", O_RDWR | O_NOCTTY);
	outcome("open(/dev/tty)", tty, errno);
	rc = write(1, "LEAKED-WRITE\n", 13);
	outcome("write(1)", rc, errno);
	/* Without touching the descriptor's flags: it may be shared with
	 * the caller's shell. */
	if (poll(&(struct pollfd){.fd = 0, .events = POLLIN}, 1, 0) == 0) {
		outcome("read(0) nothing-to-read", 0, 0);
	} else {
		rc = read(0, line, sizeof(line));
		outcome(rc == 0 ? "read(0) eof" : "read(0)", rc, errno);
	}
	exit(0);
}

/* Identities that differ between devpts instances (device numbers do not:
 * every instance has its own /dev/pts/0). */
static void where(void)
{
	struct stat st;
	char path[64];
	int tty = open("/dev/tty", O_RDONLY | O_NOCTTY);

	report = fopen(report_path, "a");
	if (!report)
		exit(2);
	if (fstat(0, &st) == 0)
		fprintf(report, "fd0 %s %llu:%llu\n", S_ISCHR(st.st_mode) ? "chr" : "other", (unsigned long long)st.st_dev,
			(unsigned long long)st.st_ino);
	/* The controlling terminal: none, fd 0's (its session is ours), or
	 * another one. */
	if (tty < 0)
		fprintf(report, "ctty none\n");
	else if (isatty(0) && tcgetsid(0) == getsid(0))
		fprintf(report, "ctty fd0\n");
	else
		fprintf(report, "ctty other\n");
	if (ttyname_r(0, path, sizeof(path)) == 0)
		fprintf(report, "ttyname %s\n", path);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: tty_probe REPORT sti|sti32 TEXT | linux|linux32 | linger FIFO | ttyname\n");
		return 2;
	}
	report_path = argv[1];
	if (strcmp(argv[2], "sti") == 0 && argc == 4)
		inject(argv[3], 0);
	else if (strcmp(argv[2], "sti32") == 0 && argc == 4)
		inject(argv[3], 1);
	else if (strcmp(argv[2], "linux") == 0)
		console(0);
	else if (strcmp(argv[2], "linux32") == 0)
		console(1);
	else if (strcmp(argv[2], "linger") == 0 && argc == 4)
		linger(argv[3]);
	else if (strcmp(argv[2], "ttyname") == 0)
		where();
	else
		return 2;
	return 0;
}
