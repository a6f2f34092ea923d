/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* init and show: how Landlock confines chat sessions on this host, in one
 * line for people, one JSON object for scripts, and whether the admin
 * should be warned (Landlock off, best-effort, or logins refused). */
#ifndef CHATCELL_SANDBOX_REPORT_H
#define CHATCELL_SANDBOX_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "config/conf.h"
#include "sandbox/landlock.h"

struct sandbox_report {
	struct cc_landlock_state state;
	const char *mode;  /* "required", "best-effort" or "off" */
	char line[320];    /* "required, in force: files (ABI 7), abstract unix sockets" */
	char warning[512]; /* empty, or why the admin should act */
};

void sandbox_report_make(const struct cc_config *config, struct sandbox_report *r);

/* "landlock":{"mode":…,"abi":…,"in_force":…,"logins_refused":…,"line":…} */
void sandbox_report_json(FILE *out, const struct sandbox_report *r);

#endif
