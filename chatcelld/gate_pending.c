/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The questions waiting for a resolver (gate.h): their slots and IDs, and
 * the UDP questions asked upstream, found by what they ask, that the same
 * questions from other clients wait on. */
#include "gate.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Take p out of the leaders' table. */
static void unlist(struct gate *g, struct gate_pending *p)
{
	uint16_t *at = &g->leaders[p->key_hash % GATE_LEADER_BUCKETS];
	uint16_t self = (uint16_t)(p - g->pending + 1);

	while (*at && *at != self)
		at = &g->pending[*at - 1].next_leader;
	if (*at)
		*at = p->next_leader;
	p->listed = false;
}

void gate_pending_release(struct gate *g, struct gate_pending *p)
{
	struct gate_cell *cell = gate_cell_get(g, p->client.index, p->client.serial);

	if (p->listed)
		unlist(g, p);
	if (cell && cell->pending)
		cell->pending--;
	gate_udp_forget(g, p);
	gate_tcp_forget(g, p);
	if (p->client.tcp && p->client.conn)
		gate_tcp_unbind(p->client.conn, p);
	free(p->msg);
	memset(p, 0, sizeof(*p));
	g->pending_count--;
}

struct gate_pending *gate_pending_take_followers(struct gate_pending *p)
{
	struct gate_pending *list = p->followers;

	p->followers = NULL;
	for (struct gate_pending *f = list; f; f = f->next_follower)
		f->leader = NULL;
	return list;
}

void gate_pending_free(struct gate *g, struct gate_pending *p)
{
	struct gate_pending *f;

	if (!p->used)
		return;
	if (p->leader) {
		struct gate_pending **at = &p->leader->followers;

		while (*at && *at != p)
			at = &(*at)->next_follower;
		if (*at)
			*at = p->next_follower;
	}
	f = gate_pending_take_followers(p); /* only when the gate ends: answers and failures take them first */
	while (f) {
		struct gate_pending *next = f->next_follower;

		gate_pending_release(g, f);
		f = next;
	}
	gate_pending_release(g, p);
}

/* What makes two questions the same upstream: the name, type, class, RD
 * and whether EDNS is asked for (cc_dns_build_query writes the rest), in
 * one chat. */
static uint32_t key_hash(const struct gate *g, uint32_t uid, const struct cc_dns_query *q)
{
	uint8_t tail[4] = {(uint8_t)q->qtype, (uint8_t)q->qclass, (uint8_t)(q->flags & CC_DNS_FLAG_RD ? 1 : 0),
			   (uint8_t)q->edns};

	return gate_hash(g, uid, q->name, tail, sizeof(tail));
}

/* A UDP question already asked upstream that q is the same as, or NULL. */
static struct gate_pending *leader_for(struct gate *g, uint32_t uid, const struct cc_dns_query *q, uint32_t h)
{
	for (uint16_t at = g->leaders[h % GATE_LEADER_BUCKETS]; at; at = g->pending[at - 1].next_leader) {
		struct gate_pending *p = &g->pending[at - 1];

		if (p->key_hash == h && p->uid == uid && p->query.qtype == q->qtype && p->query.qclass == q->qclass &&
		    p->query.edns == q->edns && (p->query.flags & CC_DNS_FLAG_RD) == (q->flags & CC_DNS_FLAG_RD) &&
		    strcmp(p->query.name, q->name) == 0)
			return p;
	}
	return NULL;
}

struct gate_pending *gate_pending_new(struct gate *g)
{
	uint16_t id;

	if (g->pending_count >= GATE_PENDING_MAX || getrandom(&id, sizeof(id), 0) != sizeof(id))
		return NULL;
	for (unsigned n = 0; n < GATE_PENDING_MAX; n++) {
		unsigned i = (g->pending_cursor + n) % GATE_PENDING_MAX;

		if (!g->pending[i].used) {
			g->pending[i].used = true;
			g->pending[i].upstream_id = id;
			g->pending_cursor = i + 1;
			g->pending_count++;
			return &g->pending[i];
		}
	}
	return NULL;
}

bool gate_pending_follow(struct gate *g, struct gate_pending *p, uint32_t uid)
{
	struct gate_pending *leader;
	uint16_t *bucket;

	p->uid = uid;
	p->key_hash = key_hash(g, uid, &p->query);
	leader = leader_for(g, uid, &p->query, p->key_hash);
	if (leader) {
		p->leader = leader;
		p->next_follower = leader->followers;
		leader->followers = p;
		return true;
	}
	bucket = &g->leaders[p->key_hash % GATE_LEADER_BUCKETS];
	p->next_leader = *bucket;
	*bucket = (uint16_t)(p - g->pending + 1);
	p->listed = true;
	return false;
}
