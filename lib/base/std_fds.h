/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* 0, 1 and 2 open before a root program opens anything: a caller that
 * closed one (`cmd >&-`) would otherwise have the program's next file, a
 * registry or a lock, taken for its output, or handed on to a chat's
 * command as its stdout. libc only. */
#ifndef CHATCELL_STD_FDS_H
#define CHATCELL_STD_FDS_H

/* Open /dev/null on whichever of 0, 1 and 2 is closed. 0, or -1 with errno. */
int cc_std_fds_open(void);

#endif
