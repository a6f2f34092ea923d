/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcelld's event loop: one epoll; each watched descriptor carries a
 * struct watch whose handler runs when it is ready. */
#ifndef CHATCELLD_LOOP_H
#define CHATCELLD_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct watch;
typedef void (*watch_ready)(struct watch *w, uint32_t events);

struct watch {
	int fd;
	watch_ready ready;
	bool dead; /* closed during this round of events: skip it */
};

struct loop {
	int epoll;
	int stop; /* set by a handler: leave the loop with this status + 1 */
	/* Freed after the round of events, which may still name them. */
	void **graveyard;
	size_t dead, dead_cap;
};

int loop_open(struct loop *loop, struct cc_err *err);
void loop_close(struct loop *loop);
/* Watch w->fd for `events` (EPOLLIN, EPOLLOUT). */
int loop_add(struct loop *loop, struct watch *w, uint32_t events, struct cc_err *err);
int loop_change(struct loop *loop, struct watch *w, uint32_t events);
void loop_remove(struct loop *loop, struct watch *w);
/* Stop watching w (its descriptor is closed by the caller) and free
 * `owner` once the current round of events is over. */
void loop_bury(struct loop *loop, struct watch *w, void *owner);
/* Run until a handler sets loop->stop: returns stop - 1. */
int loop_run(struct loop *loop, struct cc_err *err);

#define watch_owner(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#endif
