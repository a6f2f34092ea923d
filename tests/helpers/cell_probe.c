/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a chat's command can learn about, or do to, other chats through the
 * kernel: each subcommand prints its exact outcome on stdout ("ok",
 * "ok VALUE" or the errno name), for the cell tests.
 *
 *   cell_probe kill PID            kill(PID, 0)
 *   cell_probe pidfd PID           pidfd_open(PID) ("own": a process of its own UID)
 *   cell_probe uids MAX            the UIDs of every PID 1..MAX it can open a pidfd of
 *   cell_probe prio UID            getpriority(PRIO_USER, UID)
 *   cell_probe affinity PID        sched_getaffinity(PID)
 *   cell_probe shm-make KEY | shm-find KEY      a 0666 SysV segment
 *   cell_probe msg-make KEY | msg-find KEY      a 0666 SysV queue
 *   cell_probe sem-make KEY | sem-find KEY      a 0666 SysV semaphore set
 *   cell_probe mq-make NAME | mq-find NAME      a 0666 POSIX queue
 *   cell_probe shm-exhaust         segments until the kernel refuses: "COUNT ERRNO"
 *   cell_probe msg-exhaust         SysV queues until the kernel refuses: "COUNT ERRNO"
 *   cell_probe sem-exhaust         SysV semaphore sets until the kernel refuses: "COUNT ERRNO"
 *   cell_probe mq-exhaust          queues until the kernel refuses: "COUNT ERRNO"
 *   cell_probe pty-exhaust FIFO    ptys until refused ("COUNT ERRNO"), held until a line on FIFO
 *   cell_probe lock FILE FIFO      flock(FILE), held until a line on FIFO ("ok" once held)
 *   cell_probe key-add             a key in the user keyring
 *   cell_probe key-count           keys in the user keyring
 *   cell_probe session-run NAME DATA CMD...   a new anonymous session keyring
 *                                  with the user key NAME=DATA, then exec CMD
 *   cell_probe session-add NAME DATA   the user key NAME=DATA in the session keyring
 *   cell_probe session-read NAME   "ok DATA" of the key NAME found in the session
 *                                  keyring, or the errno name
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <linux/keyctl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/pidfd.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

static int result(long rc)
{
	if (rc < 0) {
		printf("%s\n", strerrorname_np(errno) ? strerrorname_np(errno) : "?");
		return 1;
	}
	printf("ok\n");
	return 0;
}

static long number(const char *text)
{
	return strtol(text, NULL, 0);
}

/* PIDFD_GET_INFO (Linux 6.13): what a pidfd tells of its process, whatever
 * /proc's hidepid hides. Defined here: Debian 12's headers predate it. */
struct pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
	uint32_t coredump_mask, spare;
};
#define PIDFD_INFO_CREDS (1ULL << 1)
#define PIDFD_GET_INFO _IOWR(0xFF, 11, struct pidfd_info)

/* The real UID of an open pidfd's process. */
static long uid_of(int pidfd, pid_t pid)
{
	struct pidfd_info info = {.mask = PIDFD_INFO_CREDS};
	char path[64], line[256];
	long uid = -1;
	FILE *f;

	if (ioctl(pidfd, PIDFD_GET_INFO, &info) == 0 && (info.mask & PIDFD_INFO_CREDS))
		return info.ruid;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %ld", &uid) == 1)
			break;
	fclose(f);
	return uid;
}

/* A probe of PID number `pid` that returned rc: in a cell a number names
 * a process of the cell's own PID namespace, which may be one of the
 * chat's own ("own"); anything else is what result() says. */
static int about_pid(long pid, long rc)
{
	if (rc >= 0) {
		int fd = pidfd_open((pid_t)pid, 0);
		long uid = fd >= 0 ? uid_of(fd, (pid_t)pid) : -1;

		if (fd >= 0)
			close(fd);
		if (uid == (long)getuid()) {
			printf("own\n");
			return 0;
		}
	}
	return result(rc);
}

static int uids(long max)
{
	long seen[64];
	int n = 0;

	for (pid_t pid = 1; pid <= max; pid++) {
		int fd = pidfd_open(pid, 0);
		long uid;
		int known = 0;

		if (fd < 0)
			continue;
		uid = uid_of(fd, pid);
		close(fd);
		if (uid < 0)
			uid = -2; /* a process we cannot even read: not ours */
		for (int i = 0; i < n; i++)
			known |= seen[i] == uid;
		if (!known && n < 64)
			seen[n++] = uid;
	}
	for (int i = 0; i < n; i++)
		printf("%s%ld", i ? " " : "", seen[i]);
	printf("\n");
	return 0;
}

static int exhaust(int (*make)(int), const char *what)
{
	int count = 0;

	while (count < 100000 && make(count) >= 0)
		count++;
	printf("%d %s\n", count, strerrorname_np(errno) ? strerrorname_np(errno) : what);
	return 0;
}

static int make_shm(int i)
{
	(void)i;
	return shmget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
}

static int make_msg(int i)
{
	(void)i;
	return msgget(IPC_PRIVATE, IPC_CREAT | 0600);
}

static int make_sem(int i)
{
	(void)i;
	return semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
}

static int make_mq(int i)
{
	char name[32];
	struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = 8};

	snprintf(name, sizeof(name), "/exhaust-%d", i);
	return mq_open(name, O_CREAT | O_RDWR, 0600, &attr);
}

static int make_pty(int i)
{
	(void)i;
	return open("/dev/ptmx", O_RDWR | O_NOCTTY);
}

static void wait_line(const char *fifo)
{
	char c;
	int fd = open(fifo, O_RDONLY);

	if (fd >= 0)
		while (read(fd, &c, 1) == 1 && c != '\n')
			;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "0";
	cpu_set_t cpus;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "kill") == 0)
		return about_pid(number(arg), kill((pid_t)number(arg), 0));
	if (strcmp(cmd, "pidfd") == 0)
		return about_pid(number(arg), pidfd_open((pid_t)number(arg), 0));
	if (strcmp(cmd, "uids") == 0)
		return uids(number(arg));
	if (strcmp(cmd, "prio") == 0) {
		errno = 0;
		return result(getpriority(PRIO_USER, (id_t)number(arg)) == -1 && errno ? -1 : 0);
	}
	if (strcmp(cmd, "affinity") == 0)
		return about_pid(number(arg), sched_getaffinity((pid_t)number(arg), sizeof(cpus), &cpus));
	if (strcmp(cmd, "shm-make") == 0)
		return result(shmget((key_t)number(arg), 4096, IPC_CREAT | IPC_EXCL | 0666));
	if (strcmp(cmd, "shm-find") == 0)
		return result(shmget((key_t)number(arg), 0, 0));
	if (strcmp(cmd, "msg-make") == 0)
		return result(msgget((key_t)number(arg), IPC_CREAT | IPC_EXCL | 0666));
	if (strcmp(cmd, "msg-find") == 0)
		return result(msgget((key_t)number(arg), 0));
	if (strcmp(cmd, "sem-make") == 0)
		return result(semget((key_t)number(arg), 1, IPC_CREAT | IPC_EXCL | 0666));
	if (strcmp(cmd, "sem-find") == 0)
		return result(semget((key_t)number(arg), 0, 0));
	if (strcmp(cmd, "mq-make") == 0)
		return result(mq_open(arg, O_CREAT | O_EXCL | O_RDWR, 0666, NULL));
	if (strcmp(cmd, "mq-find") == 0)
		return result(mq_open(arg, O_RDWR));
	if (strcmp(cmd, "shm-exhaust") == 0)
		return exhaust(make_shm, "shm");
	if (strcmp(cmd, "msg-exhaust") == 0)
		return exhaust(make_msg, "msg");
	if (strcmp(cmd, "sem-exhaust") == 0)
		return exhaust(make_sem, "sem");
	if (strcmp(cmd, "mq-exhaust") == 0)
		return exhaust(make_mq, "mq");
	if (strcmp(cmd, "pty-exhaust") == 0 && argc == 3) {
		exhaust(make_pty, "pty");
		wait_line(argv[2]);
		return 0;
	}
	if (strcmp(cmd, "lock") == 0 && argc == 4) {
		int fd = open(argv[2], O_RDWR | O_CREAT, 0644);

		if (result(fd < 0 ? -1 : flock(fd, LOCK_EX)) != 0)
			return 1;
		wait_line(argv[3]);
		return 0;
	}
	if (strcmp(cmd, "key-add") == 0)
		return result(syscall(SYS_add_key, "user", "cell-probe", "secret", 6, KEY_SPEC_USER_KEYRING));
	if (strcmp(cmd, "key-count") == 0) {
		char ids[4096];
		long n = syscall(SYS_keyctl, KEYCTL_READ, KEY_SPEC_USER_KEYRING, ids, sizeof(ids));

		if (n < 0)
			return result(-1);
		printf("%ld\n", n / 4);
		return 0;
	}
	if (strcmp(cmd, "session-run") == 0 && argc >= 5) {
		if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 ||
		    syscall(SYS_add_key, "user", argv[2], argv[3], strlen(argv[3]), KEY_SPEC_SESSION_KEYRING) < 0)
			return result(-1);
		execvp(argv[4], argv + 4);
		return result(-1);
	}
	if (strcmp(cmd, "session-add") == 0 && argc == 4)
		return result(syscall(SYS_add_key, "user", argv[2], argv[3], strlen(argv[3]), KEY_SPEC_SESSION_KEYRING));
	if (strcmp(cmd, "session-read") == 0) {
		char data[256];
		long key = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", arg, 0);
		long n = key < 0 ? -1 : syscall(SYS_keyctl, KEYCTL_READ, key, data, sizeof(data) - 1);

		if (n < 0)
			return result(-1);
		data[n < (long)sizeof(data) ? n : (long)sizeof(data) - 1] = 0;
		printf("ok %s\n", data);
		return 0;
	}
	fprintf(stderr, "usage: see the comment at the top of cell_probe.c\n");
	return 2;
}
