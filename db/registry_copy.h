/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copies of the registry, through sqlite's online backup API (a consistent
 * snapshot, taken while other processes go on using the registry): one
 * written into a backup directory, one read from there and copied back
 * over the live registry. */
#ifndef CHATCELL_REGISTRY_COPY_H
#define CHATCELL_REGISTRY_COPY_H

#include "db/registry.h"

/* Write a copy of `reg` as `dir`/`name` (dirfd is `dir`, trusted): made
 * 0600 under a temporary name, a single self-contained file (no -wal),
 * synced, checked (integrity), then renamed into place. */
int cc_registry_copy_out(struct cc_registry *reg, int dirfd, const char *dir, const char *name, struct cc_err *err);

/* Open `dir`/`name` read-only, refusing a file that is not root's alone
 * or fails its integrity check. */
int cc_registry_open_copy(struct cc_registry *copy, int dirfd, const char *dir, const char *name,
			  struct cc_err *err);

/* Replace the whole content of `reg` with that of `copy`, in one step that
 * other connections see whole or not at all. */
int cc_registry_copy_in(struct cc_registry *reg, struct cc_registry *copy, struct cc_err *err);

/* PRAGMA integrity_check: 0 when it says "ok", 1 when not (err says what
 * it found), -1 when it cannot tell (err says why). */
int cc_registry_check_integrity(struct cc_registry *reg, struct cc_err *err);

#endif
