/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host's name service cache daemon (nscd, or unscd: the same
 * protocol) keeps users and groups, a name it did not find included (20 s
 * by default) and one it found for an hour. After every change to the
 * view it is told to forget its passwd and group tables, as useradd and
 * userdel do, so that a new chat resolves at once and a deleted one stops
 * resolving. */
#ifndef CHATCELL_NSCD_FLUSH_H
#define CHATCELL_NSCD_FLUSH_H

#include "base/error.h"

/* 0: forgotten, or no nscd runs; -1: one runs and did not say it forgot
 * (err says what to run by hand). Waits at most a second per table. */
int cc_nscd_forget_users(struct cc_err *err);

#endif
