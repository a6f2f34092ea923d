/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A question to a resolver over UDP, from a socket of its own: connect()
 * gives it a port the kernel picks at random, and only datagrams from that
 * resolver's address and port reach it. Someone who can forge the
 * resolver's packets toward the host must guess that port as well as the
 * 16-bit ID (RFC 5452), each time: one socket for the gate's whole life
 * would let the port be learnt once. The socket goes with the question. */
#include "gate.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* Datagrams read per wakeup: forged ones with a wrong ID are skipped, and
 * the other descriptors get their turn. */
#define READS_PER_WAKEUP 16

struct gate_udp_upstream {
	struct watch w;
	struct gate *g;
	struct gate_pending *p;
};

static void upstream_close(struct gate *g, struct gate_udp_upstream *u)
{
	loop_bury(g->loop, &u->w, u);
	close(u->w.fd);
}

static void upstream_ready(struct watch *w, uint32_t events)
{
	struct gate_udp_upstream *u = watch_owner(w, struct gate_udp_upstream, w);
	struct gate *g = u->g;
	static uint8_t buf[CC_DNS_MSG_MAX];

	(void)events;
	g->round++;
	for (unsigned n = 0; n < READS_PER_WAKEUP; n++) {
		ssize_t got = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);

		/* The resolver's port is closed (ICMP): the next resolver now. */
		if (got < 0) {
			if (errno == ECONNREFUSED)
				gate_ask_next(g, u->p); /* closes u */
			break;
		}
		if (got < CC_DNS_HEADER_LEN || (uint16_t)(buf[0] << 8 | buf[1]) != u->p->upstream_id)
			continue;
		gate_upstream_answer(g, u->p, buf, (size_t)got); /* closes u */
		break;
	}
	gate_flush(g);
}

int gate_udp_ask(struct gate *g, struct gate_pending *p, const struct sockaddr_in6 *server, const uint8_t *msg,
		 size_t len)
{
	struct gate_udp_upstream *u = calloc(1, sizeof(*u));

	if (!u || gate_upstream_open(g, SOCK_DGRAM, server, &u->w, EPOLLIN) < 0) {
		free(u);
		return -1;
	}
	if (send(u->w.fd, msg, len, MSG_DONTWAIT) != (ssize_t)len) {
		loop_remove(g->loop, &u->w);
		close(u->w.fd);
		free(u);
		return -1;
	}
	u->w.ready = upstream_ready;
	u->g = g;
	u->p = p;
	p->udp = u;
	return 0;
}

void gate_udp_forget(struct gate *g, struct gate_pending *p)
{
	if (p->udp) {
		p->udp->p = NULL;
		upstream_close(g, p->udp);
		p->udp = NULL;
	}
}
