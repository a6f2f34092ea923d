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
		fputc('{', stdout);
	repair_print_counts(a, "repair", &c);
	if (a->opt.json)
		fputs("}\n", stdout);
	return 0;
}
