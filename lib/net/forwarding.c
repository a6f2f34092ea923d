/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "net/forwarding.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/dir_each.h"
#include "base/fs_util.h"
#include "net/cell_addr.h"

#define IPV4_FORWARD "net.ipv4.ip_forward"
#define IPV6_FORWARD "net.ipv6.conf.all.forwarding"
#define RA_PREFIX "net.ipv6.conf."
#define RA_SUFFIX ".accept_ra"
#define IPV6_CONF "/proc/sys/net/ipv6/conf"
#define SAVED_MAX_BYTES 16384
#define VALUE_MAX 16

struct saved {
	struct cc_forwarding_change entries[CC_FORWARDING_CHANGES_MAX]; /* key and `before` */
	unsigned count;
};

/* The /proc/sys file of a key chatcell may change; anything else is
 * refused (the saved file names no other). Interface names are written
 * as sysctl(8) does: their dots as slashes. */
static bool key_path(const char *key, char *path, size_t len)
{
	size_t key_len = strlen(key), name_len;
	char name[IF_NAMESIZE];

	if (strcmp(key, IPV4_FORWARD) == 0 || strcmp(key, IPV6_FORWARD) == 0) {
		snprintf(path, len, "/proc/sys/%s", key);
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		return true;
	}
	if (key_len <= strlen(RA_PREFIX) + strlen(RA_SUFFIX) || strncmp(key, RA_PREFIX, strlen(RA_PREFIX)) != 0 ||
	    strcmp(key + key_len - strlen(RA_SUFFIX), RA_SUFFIX) != 0)
		return false;
	name_len = key_len - strlen(RA_PREFIX) - strlen(RA_SUFFIX);
	if (name_len >= sizeof(name))
		return false;
	memcpy(name, key + strlen(RA_PREFIX), name_len);
	name[name_len] = '\0';
	for (char *p = name; *p; p++) {
		if (*p == '.' || *p <= ' ')
			return false;
		if (*p == '/')
			*p = '.';
	}
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	snprintf(path, len, "%s/%s/accept_ra", IPV6_CONF, name);
	return true;
}

static void ra_key(const char *ifname, char *key, size_t len)
{
	snprintf(key, len, "%s%s%s", RA_PREFIX, ifname, RA_SUFFIX);
	for (char *p = key + strlen(RA_PREFIX); *p && p < key + strlen(RA_PREFIX) + strlen(ifname); p++)
		if (*p == '.')
			*p = '/';
}

/* The value of a sysctl, without its newline; 0 or a negative errno. */
static int read_sysctl(const char *path, char value[VALUE_MAX])
{
	cc_cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return -errno;
	got = read(fd, value, VALUE_MAX - 1);
	if (got < 0)
		return -errno;
	value[got] = '\0';
	value[strcspn(value, "\n")] = '\0';
	return 0;
}

static int write_sysctl(const char *path, const char *value)
{
	cc_cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	char line[VALUE_MAX + 1];
	int len = snprintf(line, sizeof(line), "%s\n", value);

	if (fd < 0)
		return -errno;
	return cc_write_all(fd, line, (size_t)len);
}

static bool value_valid(const char *v)
{
	size_t n = strspn(v + (v[0] == '-'), "0123456789");

	return n > 0 && n < 11 && v[(v[0] == '-') + n] == '\0';
}

static const char *saved_value(const struct saved *s, const char *key)
{
	for (unsigned i = 0; i < s->count; i++)
		if (strcmp(s->entries[i].key, key) == 0)
			return s->entries[i].before;
	return NULL;
}

static int add_entry(struct cc_forwarding_change *list, unsigned *count, const char *key, const char *before,
		     const char *after, struct cc_err *err)
{
	struct cc_forwarding_change *c;

	if (*count >= CC_FORWARDING_CHANGES_MAX)
		return cc_fail(err, CC_ERR_SYSTEM,
			       "more than %d host network settings to change (interfaces with accept_ra = 1?); set "
			       "accept_ra = 2 on them yourself and run this again",
			       CC_FORWARDING_CHANGES_MAX);
	c = &list[(*count)++];
	memset(c, 0, sizeof(*c));
	snprintf(c->key, sizeof(c->key), "%s", key);
	snprintf(c->before, sizeof(c->before), "%s", before);
	snprintf(c->after, sizeof(c->after), "%s", after);
	return 0;
}

/* The saved file: root-owned, root-only, "key value" lines of known keys. */
static int load_saved(int state_fd, struct saved *s, bool *present, struct cc_err *err)
{
	cc_cleanup_close int fd = openat(state_fd, CC_FORWARDING_SAVED, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char text[SAVED_MAX_BYTES + 1], *line, *next;
	struct stat st;
	ssize_t got;

	s->count = 0;
	*present = fd >= 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s/%s",
							   CHATCELL_STATE_DIR, CC_FORWARDING_SAVED);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077))
		return cc_fail(err, CC_ERR_PERMISSION,
			       "%s/%s is not a root-only file of root's; it cannot be trusted to restore the host's "
			       "settings: check and remove it",
			       CHATCELL_STATE_DIR, CC_FORWARDING_SAVED);
	got = read(fd, text, sizeof(text));
	if (got < 0 || got > SAVED_MAX_BYTES)
		return cc_fail_errno(err, CC_ERR_SYSTEM, got < 0 ? errno : EFBIG, "cannot read %s/%s",
				     CHATCELL_STATE_DIR, CC_FORWARDING_SAVED);
	text[got] = '\0';
	for (line = text; *line; line = next) {
		char key[80], value[VALUE_MAX], path[128], rest;

		next = line + strcspn(line, "\n");
		if (*next)
			*next++ = '\0';
		if (!*line)
			continue;
		if (sscanf(line, "%79s %15s %c", key, value, &rest) != 2 || !key_path(key, path, sizeof(path)) ||
		    !value_valid(value) || saved_value(s, key))
			return cc_fail(err, CC_ERR_SYSTEM,
				       "%s/%s has a line chatcell did not write: '%.80s'; check the file (the "
				       "settings as they were before chatcell) and remove that line",
				       CHATCELL_STATE_DIR, CC_FORWARDING_SAVED, line);
		if (add_entry(s->entries, &s->count, key, value, "", err) < 0)
			return -1;
	}
	return 0;
}

/* Write the whole file under a temporary name and rename it into place. */
static int store_saved(int state_fd, const struct saved *s, struct cc_err *err)
{
	char tmp[64], text[SAVED_MAX_BYTES];
	size_t len = 0;
	int fd, rc;

	for (unsigned i = 0; i < s->count; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s %s\n", s->entries[i].key,
					s->entries[i].before);
	snprintf(tmp, sizeof(tmp), ".%s.%ld", CC_FORWARDING_SAVED, (long)getpid());
	unlinkat(state_fd, tmp, 0);
	fd = openat(state_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create %s/%s", CHATCELL_STATE_DIR, tmp);
	rc = cc_write_all(fd, text, len);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	close(fd);
	if (rc == 0 && renameat(state_fd, tmp, state_fd, CC_FORWARDING_SAVED) < 0)
		rc = -errno;
	if (rc < 0) {
		unlinkat(state_fd, tmp, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, -rc, "cannot write %s/%s", CHATCELL_STATE_DIR,
				     CC_FORWARDING_SAVED);
	}
	if (fsync(state_fd) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot make %s/%s durable (fsync)", CHATCELL_STATE_DIR,
				     CC_FORWARDING_SAVED);
	return 0;
}

/* Plan a change of `key` to `after` if it is not that already. */
static int plan(struct cc_forwarding_report *report, const char *key, const char *after, struct cc_err *err)
{
	char path[128], now[VALUE_MAX];
	int r;

	key_path(key, path, sizeof(path));
	r = read_sysctl(path, now);
	if (r == -ENOENT && strcmp(key, IPV6_FORWARD) == 0)
		return 0; /* IPv6 is off in this kernel: nothing to forward */
	if (r < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot read %s", path);
	if (strcmp(now, after) == 0)
		return 0;
	return add_entry(report->changes, &report->count, key, now, after, err);
}

struct ra_scan {
	struct cc_forwarding_report *report;
	struct cc_err *err;
};

/* One interface of /proc/sys/net/ipv6/conf: accept_ra 1 becomes 2. */
static int plan_accept_ra(const char *name, void *ctx)
{
	struct ra_scan *scan = ctx;
	char key[80], path[128], now[VALUE_MAX];

	if (strcmp(name, "all") == 0 || strcmp(name, "default") == 0 || strcmp(name, "lo") == 0 ||
	    cc_cell_host_link_index(name, &(uint32_t){0}) || strlen(name) >= IF_NAMESIZE)
		return 0;
	ra_key(name, key, sizeof(key));
	snprintf(path, sizeof(path), "%s/%s/accept_ra", IPV6_CONF, name);
	if (read_sysctl(path, now) < 0 || strcmp(now, "1") != 0)
		return 0; /* gone meanwhile, or not taking advertisements as a host does */
	return add_entry(scan->report->changes, &scan->report->count, key, now, "2", scan->err);
}

static int plan_all(const struct saved *s, struct cc_forwarding_report *report, struct cc_err *err)
{
	char now[VALUE_MAX];
	bool ipv6 = read_sysctl(IPV6_CONF "/all/forwarding", now) == 0;

	report->count = 0;
	/* Interfaces matter while chatcell turns IPv6 forwarding on, or
	 * keeps it on (a link that came since). */
	if (ipv6 && (strcmp(now, "1") != 0 || saved_value(s, IPV6_FORWARD))) {
		cc_cleanup_close int conf = open(IPV6_CONF, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct ra_scan scan = {report, err};

		if (conf < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s", IPV6_CONF);
		if (cc_dir_each(conf, IPV6_CONF, plan_accept_ra, &scan, err) < 0)
			return -1;
	}
	if (plan(report, IPV4_FORWARD, "1", err) < 0 || plan(report, IPV6_FORWARD, "1", err) < 0)
		return -1;
	return 0;
}

int cc_forwarding_enable(int state_fd, struct cc_forwarding_report *report, struct cc_err *err)
{
	struct saved s;
	bool present, record = false;

	if (load_saved(state_fd, &s, &present, err) < 0 || plan_all(&s, report, err) < 0)
		return -1;
	/* Record what is not recorded yet, before anything changes. */
	for (unsigned i = 0; i < report->count; i++) {
		const struct cc_forwarding_change *c = &report->changes[i];

		if (saved_value(&s, c->key))
			continue;
		if (add_entry(s.entries, &s.count, c->key, c->before, "", err) < 0)
			return -1;
		record = true;
	}
	if (record && store_saved(state_fd, &s, err) < 0)
		return -1;
	for (unsigned i = 0; i < report->count; i++) {
		char path[128];
		int r;

		key_path(report->changes[i].key, path, sizeof(path));
		r = write_sysctl(path, report->changes[i].after);
		if (r < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot set %s = %s", report->changes[i].key,
					     report->changes[i].after);
	}
	return 0;
}

/* What chatcell set a key to: only a key still at that value is put back
 * (a value changed since, by the admin or a reboot, is theirs). */
static const char *chatcell_value(const char *key)
{
	return strcmp(key, IPV4_FORWARD) == 0 || strcmp(key, IPV6_FORWARD) == 0 ? "1" : "2";
}

int cc_forwarding_restore(int state_fd, struct cc_forwarding_report *report, struct cc_err *err)
{
	struct saved s;
	bool present;

	report->count = 0;
	if (load_saved(state_fd, &s, &present, err) < 0)
		return -1;
	if (!present)
		return 0;
	/* Forwarding off first, then the interfaces' advertisements. */
	for (unsigned i = s.count; i-- > 0;) {
		const struct cc_forwarding_change *e = &s.entries[i];
		struct cc_forwarding_change *c;
		char path[128], now[VALUE_MAX];
		int r;

		key_path(e->key, path, sizeof(path));
		r = read_sysctl(path, now);
		if (r < 0 && r != -ENOENT)
			return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot read %s", path);
		if (add_entry(report->changes, &report->count, e->key, r < 0 ? "" : now, e->before, err) < 0)
			return -1;
		c = &report->changes[report->count - 1];
		c->gone = r == -ENOENT;
		c->kept = !c->gone && strcmp(now, chatcell_value(e->key)) != 0;
		if (c->gone || c->kept)
			continue;
		r = write_sysctl(path, e->before);
		if (r < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, -r, "cannot set %s back to %s", e->key, e->before);
	}
	if (unlinkat(state_fd, CC_FORWARDING_SAVED, 0) < 0 && errno != ENOENT)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot remove %s/%s", CHATCELL_STATE_DIR,
				     CC_FORWARDING_SAVED);
	return 0;
}

void cc_forwarding_describe(const struct cc_forwarding_report *report, const char *none, char *out, size_t out_len)
{
	size_t len = 0;

	out[0] = '\0';
	if (!report->count)
		snprintf(out, out_len, "%s", none);
	for (unsigned i = 0; i < report->count && len < out_len; i++) {
		const struct cc_forwarding_change *c = &report->changes[i];
		const char *sep = i ? ", " : "";
		int n;

		if (c->gone)
			n = snprintf(out + len, out_len - len, "%s%s (interface gone)", sep, c->key);
		else if (c->kept && strcmp(c->before, c->after) == 0)
			n = snprintf(out + len, out_len - len, "%s%s already %s", sep, c->key, c->before);
		else if (c->kept)
			n = snprintf(out + len, out_len - len, "%s%s left at %s (changed since; it was %s)", sep, c->key,
				     c->before, c->after);
		else
			n = snprintf(out + len, out_len - len, "%s%s %s -> %s", sep, c->key, c->before, c->after);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}
