/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Does some NSS source of the host (files, LDAP, sssd...) already know a
 * UID, GID or user name? "No" must mean the lookup said so: a lookup that
 * failed (a directory server out of reach) or an entry bigger than the
 * buffer (a group with many members) is not "free", or a new chat could
 * get the ID of an existing group and read its files. */
#ifndef CHATCELL_NSS_PROBE_H
#define CHATCELL_NSS_PROBE_H

#include <stdint.h>

#include "base/error.h"

/* 1 if a user has UID `id` or a group has GID `id`, 0 if neither lookup
 * found one, -1 if a lookup failed (err says which and why). */
int cc_nss_id_known(uint32_t id, struct cc_err *err);

/* 1 and *uid if a user is named `name`, 0 if none is, -1 if the lookup
 * failed. */
int cc_nss_user_uid(const char *name, uint32_t *uid, struct cc_err *err);

#endif
