/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bounded string copy: the whole of src or nothing. */
#ifndef CHATCELL_TEXT_COPY_H
#define CHATCELL_TEXT_COPY_H

#include <stdbool.h>
#include <stddef.h>

/* Copy src into dst (dst_size bytes, NUL included). On truncation dst is
 * left empty and false is returned. */
bool cc_copy(char *dst, size_t dst_size, const char *src);

#endif
