/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The paths every chat session may use (lib/sandbox/landlock.c adds the
 * chat's home, the cell's message queues and chatcell.conf's landlock_read and
 * landlock_write). A path the host lacks is skipped. */
#ifndef CHATCELL_LANDLOCK_PATHS_H
#define CHATCELL_LANDLOCK_PATHS_H

/* Read and run: the system's programs and libraries, and the
 * configuration a shell and common tools read. NULL-terminated; a '*' in
 * the last component matches like a shell glob. */
extern const char *const cc_landlock_read_paths[];

/* Read and write: the cell's scratch trees and the devices a shell opens. */
extern const char *const cc_landlock_write_paths[];

#endif
