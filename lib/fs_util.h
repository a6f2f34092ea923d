/* Small helpers for whole reads and writes. */
#ifndef CHATCELL_FS_UTIL_H
#define CHATCELL_FS_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* write() until done; -1 with errno on failure. */
int cc_write_all(int fd, const void *buf, size_t len);

/* Read a whole small file (at most max bytes) into a NUL-terminated buffer. */
ssize_t cc_read_small_file_at(int dirfd, const char *name, char *buf, size_t max);

#endif
