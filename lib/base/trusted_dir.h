/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Opening directories that root may write into: every step from "/" is an
 * openat(O_NOFOLLOW) of a directory owned by root and not writable by group
 * or others, so no path a chat user could plant a symlink in is ever
 * followed (the pam_namespace CVE-2025-6020 class). */
#ifndef CHATCELL_TRUSTED_DIR_H
#define CHATCELL_TRUSTED_DIR_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "base/error.h"

/* Open `path` (absolute) as a trusted directory. With create_mode != 0,
 * missing components are created root-owned with that mode; an existing
 * last component keeps its mode. Returns an O_DIRECTORY fd or -1. */
int cc_open_trusted_dir(const char *path, mode_t create_mode, struct cc_err *err);

/* The same check for one step: `name` inside the trusted dir `dirfd`
 * (no '/' in name). */
int cc_open_trusted_subdir(int dirfd, const char *dir_path, const char *name, mode_t create_mode,
			   struct cc_err *err);

/* Is this a regular file of root's that group and others cannot write (a
 * file root reads its orders from: chatcell.conf, a PAM service, a
 * library it loads)? */
static inline bool cc_root_only_file(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_uid == 0 && !(st->st_mode & 022);
}

/* Is the open directory root-owned and not writable by group/others? */
int cc_check_trusted_fd(int fd, const char *what, struct cc_err *err);

#endif
