/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Descriptors and heap memory released when they go out of scope, so an
 * early return cannot leak them:
 *
 *   cc_cleanup_close int fd = open(...);
 *   cc_cleanup_free char *text = malloc(...);
 *
 * Take ownership away with cc_take_fd() (returns the descriptor and leaves
 * -1 behind) when a function hands what it opened to its caller. */
#ifndef CHATCELL_CLEANUP_H
#define CHATCELL_CLEANUP_H

#include <stdlib.h>
#include <unistd.h>

static inline void cc_close_fd(const int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void cc_free_ptr(void *ptr)
{
	free(*(void **)ptr);
}

static inline int cc_take_fd(int *fd)
{
	int taken = *fd;

	*fd = -1;
	return taken;
}

#define cc_cleanup_close __attribute__((cleanup(cc_close_fd)))
#define cc_cleanup_free __attribute__((cleanup(cc_free_ptr)))

#endif
