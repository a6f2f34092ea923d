/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a path in chatcell.conf may look like. Home, shell and shim paths end
 * up in passwd lines and PATH, so they are kept to a small safe alphabet. */
#ifndef CHATCELL_PATH_SYNTAX_H
#define CHATCELL_PATH_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

/* Absolute, at most max_len bytes, made of [A-Za-z0-9._+@-] components, no
 * empty, "." or ".." components, no trailing slash (except "/" itself). */
bool cc_path_is_simple_absolute(const char *path, size_t max_len);

#endif
