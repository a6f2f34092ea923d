/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Root runs every module the PAM service of run and shell names: its
 * directory (CHATCELL_PAM_DIR) and files must be root's alone, as
 * chatcell.conf must. */
#ifndef CHATCELL_PAM_SERVICE_CHECK_H
#define CHATCELL_PAM_SERVICE_CHECK_H

#include "base/error.h"

/* 0 when every directory from / to CHATCELL_PAM_DIR, its "chatcell" and its
 * "other" (if present), and every file they include (@include, include,
 * substack), are owned by root and not writable by group or others; else
 * -1 (err says which and how to fix it). Checked by chatcell-admin run and
 * shell before anything starts, and by chatcell-session, which root may
 * also run itself. */
int pam_service_check(struct cc_err *err);

#endif
