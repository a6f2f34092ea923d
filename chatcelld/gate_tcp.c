/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS over TCP (RFC 7766), both ways: cells ask over TCP after a
 * truncated answer, and the gate then asks its resolver over TCP too, so
 * the whole answer comes back. Messages are framed by a two-byte length.
 * One question at a time per connection; an idle one is closed. */
#include "gate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define FRAME_MAX (2 + CC_DNS_MSG_MAX)
/* A question is a name (at most 255 bytes), its type and class, and an
 * OPT record: anything longer from a cell is not a question. */
#define QUESTION_MAX 4096

struct gate_tcp_client {
	struct watch w;
	struct gate *g;
	struct gate_tcp_client *next;
	uint32_t index;
	uint64_t serial;
	struct gate_pending *pending; /* the question asked upstream for it */
	bool waiting;                 /* for an answer: reads nothing more */
	bool serving;                 /* serve_buffered runs for it: no second one */
	int64_t active_ms;            /* its last whole question or answer */
	size_t in_len;
	uint8_t in[2 + QUESTION_MAX];
};

struct gate_tcp_upstream {
	struct watch w;
	struct gate *g;
	struct gate_tcp_upstream *next;
	struct gate_pending *p;
	size_t out_len, out_off, in_len;
	uint8_t out[FRAME_MAX];
	uint8_t in[FRAME_MAX];
};

static size_t frame_len(const uint8_t *buf)
{
	return 2 + ((size_t)buf[0] << 8 | buf[1]);
}

static void client_close(struct gate *g, struct gate_tcp_client *c)
{
	struct gate_cell *cell = gate_cell_get(g, c->index, c->serial);

	if (c->pending)
		gate_pending_free(g, c->pending); /* clears c->pending */
	for (struct gate_tcp_client **at = &g->tcp_list; *at; at = &(*at)->next)
		if (*at == c) {
			*at = c->next;
			break;
		}
	if (cell && cell->tcp_clients)
		cell->tcp_clients--;
	g->tcp_clients--;
	loop_bury(g->loop, &c->w, c);
	close(c->w.fd);
}

/* The questions already in the buffer, one at a time, for as long as each
 * is answered at once (REFUSED, a cached answer): a client may write
 * several at once (glibc writes its A and AAAA questions in one go) and
 * sends nothing more until they are answered. Stops at a question that
 * waits for the resolver (gate_tcp_reply calls this again) or when the
 * connection closes. */
static void serve_buffered(struct gate *g, struct gate_tcp_client *c)
{
	uint8_t question[QUESTION_MAX];

	c->serving = true;
	while (!c->w.dead && !c->waiting && c->in_len >= 2 && c->in_len >= frame_len(c->in)) {
		struct gate_client client = {.tcp = true, .conn = c, .index = c->index, .serial = c->serial};
		struct gate_cell *cell = gate_cell_get(g, c->index, c->serial);
		size_t len = frame_len(c->in);

		if (!cell) {
			client_close(g, c);
			break;
		}
		/* Taken out of the buffer first: the answer may come before
		 * gate_question returns. */
		memcpy(question, c->in + 2, len - 2);
		memmove(c->in, c->in + len, c->in_len - len);
		c->in_len -= len;
		c->waiting = true;
		c->active_ms = gate_now_ms();
		loop_change(g->loop, &c->w, 0);
		gate_policy_check(g);
		gate_question(g, cell, &client, question, len - 2);
	}
	c->serving = false;
}

static void client_ready(struct watch *w, uint32_t events)
{
	struct gate_tcp_client *c = watch_owner(w, struct gate_tcp_client, w);
	struct gate *g = c->g;
	ssize_t got;

	g->round++; /* keepers are asked afresh (gate_cells.c) */
	if (events & (EPOLLHUP | EPOLLERR)) {
		client_close(g, c);
		return;
	}
	if (c->waiting)
		return;
	got = recv(w->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
	if (got <= 0) {
		if (got == 0 || (errno != EAGAIN && errno != EINTR))
			client_close(g, c);
		return;
	}
	/* Bytes alone do not keep a connection: a client that trickles a
	 * question byte by byte is closed GATE_TCP_IDLE_MS after its last
	 * whole one, and cannot hold its cell's connections for ever. */
	c->in_len += (size_t)got;
	if (c->in_len >= 2 && frame_len(c->in) > sizeof(c->in)) {
		client_close(g, c); /* no question is that long: not worth parsing */
		return;
	}
	serve_buffered(g, c);
}

void gate_tcp_bind(struct gate_tcp_client *conn, struct gate_pending *p)
{
	conn->pending = p;
}

void gate_tcp_reply(struct gate *g, struct gate_tcp_client *c, const uint8_t *msg, size_t len)
{
	static uint8_t frame[FRAME_MAX];

	c->pending = NULL;
	c->waiting = false;
	c->active_ms = gate_now_ms();
	frame[0] = (uint8_t)(len >> 8);
	frame[1] = (uint8_t)len;
	memcpy(frame + 2, msg, len);
	/* An answer fits the socket's buffer (made room for one at accept); a
	 * client that does not read loses its connection rather than stall
	 * the gate. */
	if (send(c->w.fd, frame, len + 2, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)(len + 2)) {
		client_close(g, c);
		return;
	}
	loop_change(g->loop, &c->w, EPOLLIN);
	if (!c->serving)
		serve_buffered(g, c); /* a question written with this one */
}

void gate_tcp_accept(struct gate *g)
{
	g->round++;
	for (;;) {
		struct sockaddr_in peer;
		socklen_t peer_len = sizeof(peer);
		int fd = accept4(g->tcp.fd, (struct sockaddr *)&peer, &peer_len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct gate_tcp_client *c;
		struct gate_cell *cell;
		struct cc_err err = {0};
		bool from_cell;

		if (fd < 0)
			return;
		/* The handshake proved the address: it names the cell. */
		cell = peer_len == sizeof(peer) ? gate_cell_of(g, 0, &peer, &from_cell) : NULL;
		if (!cell || g->tcp_clients >= GATE_TCP_CLIENTS_MAX || cell->tcp_clients >= GATE_TCP_PER_CELL ||
		    !(c = calloc(1, sizeof(*c)))) {
			close(fd);
			continue;
		}
		/* Room for the largest answer, so one send() takes it whole
		 * (the kernel doubles the value, within net.core.wmem_max). */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){FRAME_MAX}, sizeof(int));
		c->w.fd = fd;
		c->w.ready = client_ready;
		c->g = g;
		c->index = cell->index;
		c->serial = cell->serial;
		c->active_ms = gate_now_ms();
		if (loop_add(g->loop, &c->w, EPOLLIN, &err) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = g->tcp_list;
		g->tcp_list = c;
		g->tcp_clients++;
		cell->tcp_clients++;
	}
}

static void upstream_close(struct gate *g, struct gate_tcp_upstream *u)
{
	for (struct gate_tcp_upstream **at = &g->upstream_list; *at; at = &(*at)->next)
		if (*at == u) {
			*at = u->next;
			break;
		}
	if (u->p)
		u->p->tcp = NULL;
	loop_bury(g->loop, &u->w, u);
	close(u->w.fd);
}

static void upstream_ready(struct watch *w, uint32_t events)
{
	struct gate_tcp_upstream *u = watch_owner(w, struct gate_tcp_upstream, w);
	struct gate *g = u->g;
	ssize_t n;

	g->round++;
	/* Refused or unreachable: the next resolver now. A failure later on
	 * is left to the timer: the next resolver, or SERVFAIL. */
	if (events & EPOLLERR) {
		struct gate_pending *p = u->p;

		upstream_close(g, u);
		if (p)
			gate_ask_next(g, p);
		return;
	}
	if (u->out_off < u->out_len) {
		n = send(w->fd, u->out + u->out_off, u->out_len - u->out_off, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN) {
			upstream_close(g, u);
			return;
		}
		if (n > 0)
			u->out_off += (size_t)n;
		if (u->out_off == u->out_len)
			loop_change(g->loop, &u->w, EPOLLIN);
		return;
	}
	n = recv(w->fd, u->in + u->in_len, sizeof(u->in) - u->in_len, MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || errno != EAGAIN)
			upstream_close(g, u);
		return;
	}
	u->in_len += (size_t)n;
	if (u->in_len >= 2 && u->in_len >= frame_len(u->in))
		gate_upstream_answer(g, u->p, u->in + 2, frame_len(u->in) - 2); /* closes u */
}

int gate_tcp_ask(struct gate *g, struct gate_pending *p, const struct sockaddr_in6 *server, const uint8_t *msg,
		 size_t len)
{
	struct gate_tcp_upstream *u = calloc(1, sizeof(*u));

	if (!u || gate_upstream_open(g, SOCK_STREAM, server, &u->w, EPOLLOUT) < 0) {
		free(u);
		return -1;
	}
	u->w.ready = upstream_ready;
	u->g = g;
	u->p = p;
	u->out[0] = (uint8_t)(len >> 8);
	u->out[1] = (uint8_t)len;
	memcpy(u->out + 2, msg, len);
	u->out_len = len + 2;
	u->next = g->upstream_list;
	g->upstream_list = u;
	p->tcp = u;
	return 0;
}

void gate_tcp_forget(struct gate *g, struct gate_pending *p)
{
	if (p->tcp) {
		p->tcp->p = NULL;
		upstream_close(g, p->tcp);
		p->tcp = NULL;
	}
}

void gate_tcp_unbind(struct gate_tcp_client *conn, const struct gate_pending *p)
{
	if (conn->pending == p)
		conn->pending = NULL;
}

void gate_tcp_sweep(struct gate *g, int64_t now_ms)
{
	struct gate_tcp_client *c = g->tcp_list;

	while (c) {
		struct gate_tcp_client *next = c->next;

		if (now_ms - c->active_ms > GATE_TCP_IDLE_MS)
			client_close(g, c);
		c = next;
	}
}

void gate_tcp_close_all(struct gate *g)
{
	while (g->tcp_list)
		client_close(g, g->tcp_list);
	while (g->upstream_list)
		upstream_close(g, g->upstream_list);
}
