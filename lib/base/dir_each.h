/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Visiting the entries of an open directory (without "." and ".."). */
#ifndef CHATCELL_DIR_EACH_H
#define CHATCELL_DIR_EACH_H

#include "base/error.h"

/* A visitor returns 0 to go on, or -1 to stop with err filled. */
typedef int (*cc_dir_visitor)(const char *name, void *ctx);

/* Visit every entry of `dirfd` (which stays open and unmoved: the walk
 * reads a duplicate). `what` names the directory in messages. */
int cc_dir_each(int dirfd, const char *what, cc_dir_visitor visit, void *ctx, struct cc_err *err);

#endif
