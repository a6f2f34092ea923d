/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Publishing the NSS view (see view_format.h). Each record is one symbolic
 * link created or replaced atomically, so a reader sees the old record or
 * the new one, never a partial one. */
#ifndef CHATCELL_VIEW_WRITE_H
#define CHATCELL_VIEW_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "config/conf.h"
#include "base/error.h"

/* Open (with create: make) the view directory inside the trusted state
 * directory: root-owned, 0755. */
int cc_view_open_dir(int state_dirfd, const char *state_dir, int create, struct cc_err *err);

/* Each returns how many entries it wrote (0 when all were in place). */
int cc_view_publish_params(int view_fd, const struct cc_config *config, struct cc_err *err);
int cc_view_publish_chat(int view_fd, const char *name, uint32_t uid, struct cc_err *err);
/* Are both entries of the chat there and right? */
bool cc_view_chat_published(int view_fd, const char *name, uint32_t uid);
/* Missing entries are fine (the step is idempotent). */
int cc_view_unpublish_chat(int view_fd, const char *name, uint32_t uid, struct cc_err *err);

/* Make the directory's new entries durable. */
int cc_view_sync(int view_fd, struct cc_err *err);

#endif
