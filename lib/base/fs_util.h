/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whole writes. */
#ifndef CHATCELL_FS_UTIL_H
#define CHATCELL_FS_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* write() until done; 0 or a negative errno. */
int cc_write_all(int fd, const void *buf, size_t len);

#endif
