/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* quota_probe: what the kernel's user quotas say, for the disk budget
 * tests (through lib/disk, the code chatcell itself uses).
 *
 *   quota_probe support PATH    enforced | accounting | off | none
 *   quota_probe get PATH UID    bytes_max B inodes_max N bytes_used B inodes_used N
 *   quota_probe record PATH UID record yes | record no
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/quota.h"

int main(int argc, char **argv)
{
	static const char *const names[] = {
		[CC_QUOTA_ENFORCED] = "enforced", [CC_QUOTA_ACCOUNTING] = "accounting",
		[CC_QUOTA_OFF] = "off",           [CC_QUOTA_NONE] = "none",
	};
	struct cc_err err = {0};
	uint32_t uid = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0;
	int fd, rc = -1;

	if (argc < 3) {
		fprintf(stderr, "usage: quota_probe support|get|record PATH [UID]\n");
		return 2;
	}
	fd = open(argv[2], O_PATH | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	if (strcmp(argv[1], "support") == 0) {
		enum cc_quota_support s;

		rc = cc_quota_support(fd, &s, &err);
		if (rc == 0)
			printf("%s\n", names[s]);
	} else if (strcmp(argv[1], "get") == 0 && argc > 3) {
		struct cc_quota q;

		rc = cc_quota_get(fd, uid, &q, &err);
		if (rc == 0)
			printf("bytes_max %llu inodes_max %llu bytes_used %llu inodes_used %llu\n",
			       (unsigned long long)q.bytes_max, (unsigned long long)q.inodes_max,
			       (unsigned long long)q.bytes_used, (unsigned long long)q.inodes_used);
	} else if (strcmp(argv[1], "record") == 0 && argc > 3) {
		bool has;

		rc = cc_quota_has_record(fd, uid, &has, &err);
		if (rc == 0)
			printf("record %s\n", has ? "yes" : "no");
	} else {
		fprintf(stderr, "quota_probe: unknown command %s\n", argv[1]);
		close(fd);
		return 2;
	}
	close(fd);
	if (rc < 0)
		fprintf(stderr, "quota_probe: %s\n", err.msg);
	return rc < 0 ? 1 : 0;
}
