/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading the NSS view, for libnss_chatcell.so.2. Stateless: every call
 * checks the view directory (root-owned, not group/other-writable) and
 * holds no file descriptor afterwards. Returns 0, -ENOENT (no such chat, or
 * chatcell not initialised), -EPERM (unsafe view directory) or -EINVAL
 * (malformed record). errno is clobbered; callers restore it. */
#ifndef CHATCELL_VIEW_READ_H
#define CHATCELL_VIEW_READ_H

#include <stdint.h>

#include "view/view_format.h"

int cc_view_check_dir(void);
int cc_view_read_params(struct cc_view_params *params);

/* Full lookups: check the directory, read params, then the record. A name
 * or UID outside params' prefix and range is -ENOENT. */
int cc_view_lookup_name(const char *name, struct cc_view_params *params, uint32_t *uid);
int cc_view_lookup_uid(uint32_t uid, struct cc_view_params *params, char name[CC_NAME_MAX + 1]);

/* The record of one directory entry: "u.<uid>" (enumeration, repair) and
 * "n.<name>" (repair). -EINVAL for an entry that is not such a record. */
int cc_view_read_uid_entry_at(int dirfd, const char *entry, const struct cc_view_params *params, uint32_t *uid,
			      char name[CC_NAME_MAX + 1]);
int cc_view_read_name_entry_at(int dirfd, const char *entry, const struct cc_view_params *params,
			       char name[CC_NAME_MAX + 1], uint32_t *uid);

#endif
