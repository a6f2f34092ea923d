/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One function per chatcell-admin command; each returns 0 or -1 with a->err set. */
#ifndef CHATCELL_COMMANDS_H
#define CHATCELL_COMMANDS_H

#include "admin.h"

int cmd_init(struct admin *a);
int cmd_ensure(struct admin *a);
int cmd_name(struct admin *a);
int cmd_show(struct admin *a);
int cmd_list(struct admin *a);
int cmd_suspend(struct admin *a);
int cmd_resume(struct admin *a);
int cmd_delete(struct admin *a);
int cmd_repair(struct admin *a);
int cmd_egress(struct admin *a);
int cmd_limits(struct admin *a);
int cmd_backup(struct admin *a);
int cmd_restore(struct admin *a);
int cmd_uninstall_host(struct admin *a);
/* These two return the command's exit status (>= 0) or -1. */
int cmd_run(struct admin *a);
int cmd_shell(struct admin *a);

#endif
