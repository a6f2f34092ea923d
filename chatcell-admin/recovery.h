/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Going on with what other runs left: every command first finishes the
 * unfinished steps of chats nobody is working on (a run that was killed
 * left them, or one that failed: a full disk, a broken home). A step that
 * still cannot be finished does not stop the command: that chat's own
 * commands fail with the reason, and any other command ends with a warning
 * naming it, so one stuck chat never blocks the others. */
#ifndef CHATCELL_RECOVERY_H
#define CHATCELL_RECOVERY_H

#include "admin.h"

/* Try every unfinished step whose chat's lock is free. Fails only if the
 * registry cannot be read. */
int recovery_run(struct admin *a);

/* Before working on this chat: wait until no other process is working on
 * it and finish its step if one is left; -1 (with the reason) if it cannot
 * be finished. */
int recovery_settle(struct admin *a, struct cc_chat *chat);

/* The same with the chat's work lock already held. */
int recovery_finish_locked(struct admin *a, struct cc_chat *chat);

/* A command replaces the chat's unfinished step (delete): no warning about
 * it, the command's own result says what happened. */
void recovery_replaced(struct admin *a, int64_t chat);

/* Print one warning line on stderr for each stuck chat not reported yet. */
void recovery_warn(struct admin *a);

/* For repair: -1 with the first stuck chat's reason if any is left. */
int recovery_left_error(struct admin *a);

#endif
