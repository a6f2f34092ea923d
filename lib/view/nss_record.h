/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Packing a chat's passwd and group records into the caller's buffer, the
 * way glibc's NSS interface wants them: every string inside `buf`. */
#ifndef CHATCELL_NSS_RECORD_H
#define CHATCELL_NSS_RECORD_H

#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>

#include "view/view_format.h"

/* 0, or -ERANGE when buf_len is too small (nothing usable is left in *pw). */
int cc_pack_passwd(const char *name, uint32_t uid, const struct cc_view_params *params, struct passwd *pw,
		   char *buf, size_t buf_len);

/* The user-private group: GID = UID, same name, no listed members. */
int cc_pack_group(const char *name, uint32_t gid, struct group *gr, char *buf, size_t buf_len);

#endif
