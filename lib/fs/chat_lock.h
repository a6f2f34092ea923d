/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-chat work locks: one byte per UID in a root-only lock file, taken with
 * open-file-description locks. A chatcell-admin process holds a chat's byte
 * while it does the filesystem and kernel work of a lifecycle step; the
 * kernel drops it if the process dies, which is how a later run knows an
 * unfinished step is abandoned and safe to finish. */
#ifndef CHATCELL_CHAT_LOCK_H
#define CHATCELL_CHAT_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

#define CC_CHAT_LOCK_FILE "chats.lock"

int cc_chat_lock_open(int state_dirfd, struct cc_err *err);

/* 0 when taken; -EAGAIN when another process holds it and wait is false;
 * another negative errno if the kernel refuses. */
int cc_chat_lock(int lock_fd, uint32_t uid, bool wait);
/* Wait at most timeout_ms for it: 0 when taken, -ETIMEDOUT when another
 * process still holds it, another negative errno if the kernel refuses. */
int cc_chat_lock_within(int lock_fd, uint32_t uid, int timeout_ms);
void cc_chat_unlock(int lock_fd, uint32_t uid);

#endif
