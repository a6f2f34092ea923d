/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/subuid and /etc/subgid: the ranges handed to users for their user
 * namespaces. Chat UIDs must never fall into one. */
#ifndef CHATCELL_SUBID_H
#define CHATCELL_SUBID_H

#include <stddef.h>
#include <stdint.h>

/* 1 if a range in `path` overlaps [min, max] (the owner and range are
 * described in `who`), 0 if none does or the file is absent, a negative
 * errno if it cannot be read. Malformed lines are skipped, as shadow-utils does. */
int cc_subid_overlap(const char *path, uint32_t min, uint32_t max, char *who, size_t who_len);

#endif
