/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "disk_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "disk/disk_budget.h"
#include "fs/tmp_instances.h"

/* The mount point and source of the filesystem `dev`, from mountinfo
 * (the last matching line: the one on top). */
static void find_mount(dev_t dev, char *point, size_t point_len, char *source, size_t source_len)
{
	char line[4096], want[32], root[1024], mp[1024], fstype[64], src[1024];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	snprintf(point, point_len, "its mount point");
	snprintf(source, source_len, "its device");
	if (!f)
		return;
	snprintf(want, sizeof(want), "%u:%u", major(dev), minor(dev));
	while (fgets(line, sizeof(line), f)) {
		char majmin[32];
		const char *tail = strstr(line, " - ");

		if (sscanf(line, "%*s %*s %31s %1023s %1023s", majmin, root, mp) != 3 || strcmp(majmin, want) != 0 ||
		    !tail || sscanf(tail, " - %63s %1023s", fstype, src) != 2)
			continue;
		snprintf(point, point_len, "%s", mp);
		snprintf(source, source_len, "%s", src);
	}
	fclose(f);
}

static void append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* How to turn enforced user quotas on for one filesystem. */
static void advise(const struct cc_disk_fs *fs, char *buf, size_t len)
{
	char point[1024], source[1024];

	find_mount(fs->dev, point, sizeof(point), source, sizeof(source));
	if (strcmp(fs->type, "ext4") == 0 && fs->support == CC_QUOTA_ACCOUNTING)
		append(buf, len,
		       " %s (ext4 on %s, mounted at %s) counts usage but does not enforce limits: run `quotaon -u %s` "
		       "(Debian package quota) and add usrquota to its options in /etc/fstab so it stays on.",
		       fs->path, source, point, point);
	else if (strcmp(fs->type, "ext4") == 0)
		append(buf, len,
		       " %s (ext4 on %s, mounted at %s) has no user quotas: with it unmounted (for the root filesystem, "
		       "from a rescue system) run `tune2fs -O quota -Q usrquota %s`, add usrquota to its options in "
		       "/etc/fstab and mount it again (the kernel needs quota_v2, which Debian's kernels have).",
		       fs->path, source, point, source);
	else if (strcmp(fs->type, "xfs") == 0)
		append(buf, len,
		       " %s (xfs on %s, mounted at %s) has no user quotas: add uquota to its options in /etc/fstab and "
		       "mount it again (XFS turns quotas on only at mount; for the root filesystem add rootflags=uquota "
		       "to the kernel command line).",
		       fs->path, source, point);
	else
		append(buf, len,
		       " %s is on %s (%s, mounted at %s), which has no user quotas: put home_base and %s/%s on ext4 or "
		       "XFS with user quotas.",
		       fs->path, fs->type, source, point, CHATCELL_STATE_DIR, CC_INSTANCES_DIR);
}

static const char *support_name(const struct cc_disk_fs *fs)
{
	static const char *const names[] = {
		[CC_QUOTA_ENFORCED] = "enforced", [CC_QUOTA_ACCOUNTING] = "accounting",
		[CC_QUOTA_OFF] = "off",           [CC_QUOTA_NONE] = "none",
	};
	return fs->memory ? "memory" : names[fs->support];
}

/* A chat's instances on the registry's filesystem with nothing bounding
 * them: one chat could fill the disk the registry needs. */
static bool registry_exposed(const struct cc_disk_set *set)
{
	struct stat st;

	if (stat(CHATCELL_STATE_DIR, &st) < 0)
		return false;
	for (unsigned i = 0; i < set->count; i++)
		if (set->fs[i].dev == st.st_dev && !set->fs[i].memory && set->fs[i].support != CC_QUOTA_ENFORCED)
			return true;
	return false;
}

void disk_report_make(const struct cc_config *config, struct disk_report *r)
{
	char disk[32], inodes[32], places[1024] = "", advice[sizeof(r->warning)] = "";
	struct cc_disk_set set;
	struct cc_err err = {0};
	unsigned short_of = 0, disks = 0;

	memset(r, 0, sizeof(*r));
	cc_limit_format(CC_LIMIT_DISK, config->disk_max, disk, sizeof(disk));
	cc_limit_format(CC_LIMIT_INODES, config->inodes_max, inodes, sizeof(inodes));
	if (cc_disk_set_open(config, &set, &err) < 0) {
		append(r->line, sizeof(r->line), "disk budget: unknown: %s", err.msg);
		r->logins_refused = config->disk_quota;
		snprintf(r->json, sizeof(r->json), "\"disk\":{\"mode\":\"%s\",\"logins_refused\":%s}",
			 config->disk_quota ? "required" : "off", r->logins_refused ? "true" : "false");
		return;
	}
	snprintf(r->json, sizeof(r->json), "\"disk\":{\"mode\":\"%s\",\"disk_max\":\"%s\",\"inodes_max\":\"%s\","
		 "\"filesystems\":[", config->disk_quota ? "required" : "off", disk, inodes);
	for (unsigned i = 0; i < set.count; i++) {
		const struct cc_disk_fs *fs = &set.fs[i];

		append(r->json, sizeof(r->json), "%s{\"path\":\"%s\",\"type\":\"%s\",\"quotas\":\"%s\"}", i ? "," : "",
		       fs->path, fs->type, support_name(fs));
		append(places, sizeof(places), "%s%s (%s: %s)", i ? ", " : "", fs->path, fs->type, support_name(fs));
		if (!fs->memory)
			disks++;
		if (cc_disk_fs_problem(fs)) {
			short_of++;
			advise(fs, advice, sizeof(advice));
		}
	}
	r->logins_refused = config->disk_quota && short_of > 0 &&
			    (config->disk_max != CC_LIMIT_UNLIMITED || config->inodes_max != CC_LIMIT_UNLIMITED);
	append(r->json, sizeof(r->json), "],\"logins_refused\":%s}", r->logins_refused ? "true" : "false");
	/* Off is the admin's choice, said where cgroup_backend = off is (on
	 * stdout), with what it leaves open. */
	if (!config->disk_quota)
		append(r->line, sizeof(r->line),
		       "disk budget: off (disk_quota = off in chatcell.conf): a chat can fill every disk it writes%s: %s",
		       registry_exposed(&set) ? ", the registry's included" : "", places);
	else
		append(r->line, sizeof(r->line), "disk budget: %s and %s files per chat on each of: %s", disk, inodes,
			 places);
	if (r->logins_refused)
		append(r->warning, sizeof(r->warning),
		       "chat logins will be refused: the disk budget cannot be enforced.%s Or set disk_quota = off in "
		       "chatcell.conf (chats then share these disks without bounds).",
		       advice);
	else if (config->disk_quota && disks > 1)
		append(r->warning, sizeof(r->warning),
			 "chats can write on %u filesystems, each bounded by the budget on its own: a chat may use up to "
			 "%u times it in all. Put home_base and %s/%s on one filesystem for a single budget.",
			 disks, disks, CHATCELL_STATE_DIR, CC_INSTANCES_DIR);
	cc_disk_set_close(&set);
}
