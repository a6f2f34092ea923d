/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The disks a chat's io_max applies to: those holding its writable trees
 * (home_base, and the /tmp instances in the state directory). io.max takes
 * whole disks only, so a partition is resolved to its disk through
 * /sys/dev/block. A tree on no disk with a request queue (tmpfs, overlay,
 * 9p, btrfs's anonymous devices) gets no bandwidth cap, only io.weight;
 * that is reported, never an error. */
#ifndef CHATCELL_IO_DISKS_H
#define CHATCELL_IO_DISKS_H

#include <stddef.h>
#include <sys/types.h>

#include "config/conf.h"

#define CC_IO_DISKS_MAX 2

struct cc_io_disk {
	unsigned major, minor;
	char name[32]; /* "vda", or "MAJ:MIN" when the kernel names none */
};

struct cc_io_disks {
	struct cc_io_disk disk[CC_IO_DISKS_MAX]; /* distinct */
	size_t count;
	/* The trees on no disk, one sentence for init and show; empty if none. */
	char uncapped[2 * CC_PATH_MAX + 160];
};

/* The whole disk of device `dev`, looked up in `sys_dev_block` (the
 * kernel's /sys/dev/block; a parameter for the tests). 0, or -ENODEV when
 * `dev` is no disk with a request queue, another negative errno when the
 * directory cannot be read. */
int cc_io_disk_of(const char *sys_dev_block, dev_t dev, struct cc_io_disk *disk);

void cc_io_disks_find(const struct cc_config *config, struct cc_io_disks *disks);

#endif
