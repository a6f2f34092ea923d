/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cgroup/io_disks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/parse_number.h"
#include "cgroup/cgroup_files.h"

/* "MAJ:MIN\n", as in a sysfs dev file. */
static int parse_dev(const char *text, unsigned *major_out, unsigned *minor_out)
{
	char copy[32], *colon;
	uint64_t maj, min;

	snprintf(copy, sizeof(copy), "%s", text);
	copy[strcspn(copy, "\n")] = '\0';
	colon = strchr(copy, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	if (cc_parse_u64(copy, 0, 4095, &maj) < 0 || cc_parse_u64(colon + 1, 0, 1048575, &min) < 0)
		return -EINVAL;
	*major_out = (unsigned)maj;
	*minor_out = (unsigned)min;
	return 0;
}

/* DEVNAME from the disk's uevent file, or "MAJ:MIN". */
static void disk_name(int dir, struct cc_io_disk *disk)
{
	char uevent[512], *line, *save = NULL;

	snprintf(disk->name, sizeof(disk->name), "%u:%u", disk->major, disk->minor);
	if (cg_read(dir, "uevent", uevent, sizeof(uevent)) < 0)
		return;
	for (line = strtok_r(uevent, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "DEVNAME=", 8) == 0 && line[8])
			snprintf(disk->name, sizeof(disk->name), "%s", line + 8);
}

/* The disk's sysfs directory from a device's: a partition's sits inside
 * its disk's. Takes over `node`. */
static int disk_dir(int node)
{
	int parent;

	if (faccessat(node, "partition", F_OK, 0) < 0)
		return node;
	parent = openat(node, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (parent < 0)
		parent = -errno;
	close(node);
	return parent;
}

int cc_io_disk_of(const char *sys_dev_block, dev_t dev, struct cc_io_disk *disk)
{
	char path[CC_PATH_MAX + 32], text[32];
	cc_cleanup_close int dir = -1;
	int r;

	/* Major 0 is the kernel's anonymous devices: no disk behind them. */
	if (major(dev) == 0)
		return -ENODEV;
	snprintf(path, sizeof(path), "%s/%u:%u", sys_dev_block, major(dev), minor(dev));
	r = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r < 0)
		return errno == ENOENT ? -ENODEV : -errno;
	dir = disk_dir(r);
	if (dir < 0)
		return dir;
	r = cg_read(dir, "dev", text, sizeof(text));
	if (r < 0)
		return r == -ENOENT ? -ENODEV : r;
	if (parse_dev(text, &disk->major, &disk->minor) < 0 || faccessat(dir, "queue", F_OK, 0) < 0)
		return -ENODEV;
	disk_name(dir, disk);
	return 0;
}

static void add_tree(struct cc_io_disks *disks, const char *tree)
{
	struct cc_io_disk disk = {0};
	struct stat st = {0};
	size_t used = strlen(disks->uncapped);
	int r = stat(tree, &st) < 0 ? -errno : cc_io_disk_of("/sys/dev/block", st.st_dev, &disk);

	if (r == 0) {
		for (size_t i = 0; i < disks->count; i++)
			if (disks->disk[i].major == disk.major && disks->disk[i].minor == disk.minor)
				return;
		if (disks->count < CC_IO_DISKS_MAX)
			disks->disk[disks->count++] = disk;
		return;
	}
	if (r == -ENODEV)
		snprintf(disks->uncapped + used, sizeof(disks->uncapped) - used,
			 "%s%s is on device %u:%u, not a disk (tmpfs, overlay, 9p, btrfs?)", used ? "; " : "", tree,
			 major(st.st_dev), minor(st.st_dev));
	else
		snprintf(disks->uncapped + used, sizeof(disks->uncapped) - used, "%scannot find the disk of %s: %s",
			 used ? "; " : "", tree, strerror(-r));
}

void cc_io_disks_find(const struct cc_config *config, struct cc_io_disks *disks)
{
	struct stat st;

	memset(disks, 0, sizeof(*disks));
	add_tree(disks, config->home_base);
	/* The instances may not exist before the first login: then they will
	 * be made on the state directory's filesystem. */
	add_tree(disks, stat(CHATCELL_STATE_DIR "/instances", &st) == 0 ? CHATCELL_STATE_DIR "/instances"
									 : CHATCELL_STATE_DIR);
	if (disks->uncapped[0]) {
		size_t used = strlen(disks->uncapped);

		snprintf(disks->uncapped + used, sizeof(disks->uncapped) - used,
			 ": io_max cannot cap it, only io_weight applies there");
	}
}
