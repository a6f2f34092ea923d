/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Chat homes: <home base>/<name>, owned by the chat, mode 0700, inside a
 * root-owned 0711 base so a chat can reach its own home but cannot list its
 * siblings. Every step is done relative to a trusted directory fd. */
#ifndef CHATCELL_HOME_H
#define CHATCELL_HOME_H

#include <stdint.h>

#include "config/conf.h"
#include "base/error.h"

/* Open the home base (with create: make it root-owned 0711). */
int cc_home_base_open(const struct cc_config *config, int create, struct cc_err *err);

/* Create the home, or adopt the one a crashed run left (root- or
 * chat-owned); a home owned by anyone else is a conflict. Returns 1 if it
 * was made, 0 if it was there. */
int cc_home_create(int base_fd, const char *home_base, const char *name, uint32_t uid, struct cc_err *err);

/* Remove the home and everything in it (missing is fine). */
int cc_home_remove(int base_fd, const char *home_base, const char *name, struct cc_err *err);

/* Check `archive_dir` can receive homes from this base by rename. Returns an
 * fd of the trusted archive directory. */
int cc_home_archive_open(int base_fd, const char *archive_dir, struct cc_err *err);

/* Move the home to <archive>/<name>-<UTC time>, owned by root 0700. A home
 * that is already gone is success (a re-run of the step). */
int cc_home_archive(int base_fd, const char *home_base, const char *name, int archive_fd,
		    const char *archive_dir, struct cc_err *err);

#endif
