/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#define EVENTS_PER_WAIT 64

static void empty_graveyard(struct loop *loop)
{
	for (size_t i = 0; i < loop->dead; i++)
		free(loop->graveyard[i]);
	loop->dead = 0;
}

int loop_open(struct loop *loop, struct cc_err *err)
{
	loop->stop = 0;
	loop->graveyard = NULL;
	loop->dead = loop->dead_cap = 0;
	loop->epoll = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "epoll_create1");
	return 0;
}

void loop_close(struct loop *loop)
{
	if (loop->epoll >= 0)
		close(loop->epoll);
	empty_graveyard(loop);
	free(loop->graveyard);
	loop->graveyard = NULL;
	loop->epoll = -1;
}

int loop_add(struct loop *loop, struct watch *w, uint32_t events, struct cc_err *err)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	if (epoll_ctl(loop->epoll, EPOLL_CTL_ADD, w->fd, &ev) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "epoll_ctl");
	return 0;
}

int loop_change(struct loop *loop, struct watch *w, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.ptr = w};

	return epoll_ctl(loop->epoll, EPOLL_CTL_MOD, w->fd, &ev);
}

void loop_remove(struct loop *loop, struct watch *w)
{
	if (w->fd >= 0)
		epoll_ctl(loop->epoll, EPOLL_CTL_DEL, w->fd, NULL);
}

void loop_bury(struct loop *loop, struct watch *w, void *owner)
{
	loop_remove(loop, w);
	w->dead = true;
	if (loop->dead == loop->dead_cap) {
		size_t cap = loop->dead_cap ? 2 * loop->dead_cap : 16;
		void **grown = realloc(loop->graveyard, cap * sizeof(*grown));

		if (!grown)
			abort(); /* cannot free safely later, and must not now */
		loop->graveyard = grown;
		loop->dead_cap = cap;
	}
	loop->graveyard[loop->dead++] = owner;
}

int loop_run(struct loop *loop, struct cc_err *err)
{
	struct epoll_event events[EVENTS_PER_WAIT];

	while (!loop->stop) {
		int n = epoll_wait(loop->epoll, events, EVENTS_PER_WAIT, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "epoll_wait");
		for (int i = 0; i < n && !loop->stop; i++) {
			struct watch *w = events[i].data.ptr;

			if (!w->dead)
				w->ready(w, events[i].events);
		}
		empty_graveyard(loop);
	}
	return loop->stop - 1;
}
