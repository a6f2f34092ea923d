/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the kernel keeps per UID beyond any process, and so beyond a cell:
 * the user keyring and the user session keyring (Linux 5.3 and later keep
 * them while keys are in them). `delete` clears them so that the next
 * owner of the UID inherits nothing. */
#ifndef CHATCELL_UID_STATE_H
#define CHATCELL_UID_STATE_H

#include <stdint.h>

#include "base/error.h"

/* From a short-lived child running as `uid`: KEYCTL_CLEAR on both. A
 * kernel without keys (ENOSYS) has nothing to clear. */
int cc_uid_clear_keyrings(uint32_t uid, struct cc_err *err);

#endif
