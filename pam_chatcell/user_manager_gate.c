/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ExecCondition of user@.service: exit 1 (skip the unit) for a UID in the
 * chat range, 0 for everyone else. See pam_chatcell(8).
 *
 *   user-manager-gate UID */
#include <stdio.h>

#include "config/conf.h"
#include "base/parse_number.h"

int main(int argc, char **argv)
{
	struct cc_config config;
	struct cc_err err;
	uint64_t uid;

	if (argc != 2 || cc_parse_u64(argv[1], 0, UINT32_MAX, &uid) < 0) {
		fprintf(stderr, "usage: %s UID\n", argv[0]);
		return 255; /* a failure, not a skip */
	}
	if (cc_config_load(&config, CHATCELL_CONF_PATH, &err) < 0) {
		fprintf(stderr, "user-manager-gate: %s\n", err.msg);
		return 255;
	}
	if (uid >= config.uid_min && uid <= config.uid_max) {
		printf("uid %llu is a chatcell chat: no user manager\n", (unsigned long long)uid);
		return 1;
	}
	return 0;
}
