/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bringing the NSS view and the homes back in line with the registry after
 * anything (a crash, a deleted view directory, a restored backup, a hand
 * edit) made them drift: every live chat gets its view entries and home,
 * view entries of no live chat are dropped, homes of no chat are reported
 * (never removed: they may hold data someone wants). Unfinished steps are
 * recovery's (recovery.h). Used by repair and restore. */
#ifndef CHATCELL_REPAIR_H
#define CHATCELL_REPAIR_H

#include "admin.h"

struct repair_counts {
	unsigned published;  /* view entries written, the parameters included */
	unsigned removed;    /* view entries of no live chat dropped */
	unsigned homes_made; /* homes that were missing */
	unsigned orphans;    /* homes of no chat, reported */
};

/* Check the registry's integrity, then rebuild. Without --json each thing
 * done is one line on stdout (orphan homes: stderr with --json). */
int repair_run(struct admin *a, struct repair_counts *counts);

/* The counts: "WHAT done: ..." on a line, or with --json the fields of an
 * object (no braces). */
void repair_print_counts(const struct admin *a, const char *what, const struct repair_counts *counts);

#endif
