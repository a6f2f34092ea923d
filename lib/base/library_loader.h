/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading one of chatcell's own libraries into a login process (used by
 * pam_chatcell.so for the session library, by the session library for the
 * session start library, and by chatcell-admin run for libchatcell-run.so):
 * only a regular file owned by root that no one
 * else may write, with every symbol asked for. libc only. */
#ifndef CHATCELL_LIBRARY_LOADER_H
#define CHATCELL_LIBRARY_LOADER_H

#include <stddef.h>

/* Fill symbols[0..count) with the addresses of names[0..count) in the
 * library at `path`. 0, or -1 with *why (for the system log). The library
 * stays loaded for the life of the process. */
int cc_load_library(const char *path, const char *const *names, size_t count, void **symbols, const char **why);

#endif
