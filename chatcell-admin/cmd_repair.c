/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* repair: finish unfinished steps (recovery_run has tried them by now),
 * rebuild the NSS view and the homes from the registry (repair.h), and say
 * what was done. */
#include <stdio.h>

#include "commands.h"
#include "recovery.h"
#include "repair.h"

int cmd_repair(struct admin *a)
{
	struct repair_counts c;

	if (a->opt.argc > 0)
		return cc_fail(&a->err, CC_ERR_USAGE, "repair takes no arguments");
	if (repair_run(a, &c) < 0)
		return -1;
	if (recovery_left_error(a) < 0) /* a step still unfinished: repair did not succeed */
		return -1;
	if (a->opt.json)
		printf("{\"fixed\":%u,\"published\":%u,\"removed\":%u,\"homes_made\":%u,\"orphan_homes\":%u,"
		       "\"view_dir_made\":%s}\n",
		       c.published + c.removed, c.published, c.removed, c.homes_made, c.orphans,
		       a->view_made ? "true" : "false");
	else
		printf("repair done: %u NSS view entries fixed (%u published, %u removed), %u homes made, %u orphan homes "
		       "reported\n",
		       c.published + c.removed, c.published, c.removed, c.homes_made, c.orphans);
	return 0;
}
