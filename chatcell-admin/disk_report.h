/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* init: whether each chat's disk budget can be enforced on this host —
 * the filesystems of its writable trees, their quota state, and for each
 * that falls short exactly how to turn user quotas on. */
#ifndef CHATCELL_DISK_REPORT_H
#define CHATCELL_DISK_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "config/conf.h"

struct disk_report {
	bool logins_refused; /* disk_quota = required and a filesystem falls short */
	char line[512];      /* "disk budget: 2G and 200k files per chat, enforced on …" */
	char warning[2048];  /* empty, or what the admin should do */
	char json[2048];     /* "disk":{…} */
};

void disk_report_make(const struct cc_config *config, struct disk_report *r);

#endif
