/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Answers to A and AAAA questions, kept for their TTL, each for the chat
 * whose question brought it: another chat's, its TTL counted down, would
 * tell when that chat asked. Only what the resolver said is kept (the
 * CNAME chain and the addresses), so the chat's rules, alias check,
 * rebinding check and learned sets apply to a kept answer exactly as to
 * a fresh one. A hit answers without a round trip to the resolver.
 * Direct-mapped by a keyed hash (gate_hash): a new answer takes its slot. */
#include "gate.h"

#include <stdlib.h>
#include <string.h>

struct gate_cache_entry {
	int64_t stored_ms, expires_ms; /* 0: empty */
	uint32_t uid;
	uint16_t qtype;
	struct cc_dns_answer answer;
};

static uint32_t slot_of(const struct gate *g, uint32_t uid, const char *name, uint16_t qtype)
{
	uint8_t tail[2] = {(uint8_t)(qtype >> 8), (uint8_t)qtype};

	return gate_hash(g, uid, name, tail, sizeof(tail)) % GATE_CACHE_SIZE;
}

int gate_cache_open(struct gate *g)
{
	g->cache = calloc(GATE_CACHE_SIZE, sizeof(*g->cache));
	return g->cache ? 0 : -1;
}

void gate_cache_close(struct gate *g)
{
	free(g->cache);
	g->cache = NULL;
}

/* The smallest TTL of the records: how long the answer holds. */
static uint32_t answer_ttl(const struct cc_dns_answer *a)
{
	uint32_t ttl = UINT32_MAX;

	for (unsigned i = 0; i + 1 < a->chain_len; i++)
		if (a->chain_ttl[i] < ttl)
			ttl = a->chain_ttl[i];
	for (unsigned i = 0; i < a->addr_count; i++)
		if (a->addrs[i].ttl < ttl)
			ttl = a->addrs[i].ttl;
	return ttl;
}

void gate_cache_put(struct gate *g, uint32_t uid, const struct cc_dns_query *q, const struct cc_dns_answer *a,
		    int64_t now_ms)
{
	struct gate_cache_entry *e;
	uint32_t ttl;

	/* Only whole, positive answers with addresses. */
	if (!g->cache || CC_DNS_RCODE(a->flags) != CC_DNS_RCODE_NOERROR || (a->flags & CC_DNS_FLAG_TC) ||
	    a->addr_count == 0 || a->other_records)
		return;
	ttl = answer_ttl(a);
	if (ttl == 0)
		return;
	e = &g->cache[slot_of(g, uid, q->name, q->qtype)];
	e->stored_ms = now_ms;
	e->uid = uid;
	e->expires_ms = now_ms + (int64_t)ttl * 1000;
	e->qtype = q->qtype;
	e->answer = *a;
}

bool gate_cache_get(struct gate *g, uint32_t uid, const struct cc_dns_query *q, struct cc_dns_answer *a,
		    int64_t now_ms)
{
	struct gate_cache_entry *e;
	uint32_t age;

	if (!g->cache || (q->qtype != CC_DNS_TYPE_A && q->qtype != CC_DNS_TYPE_AAAA))
		return false;
	e = &g->cache[slot_of(g, uid, q->name, q->qtype)];
	if (!e->expires_ms || e->uid != uid || e->qtype != q->qtype || now_ms >= e->expires_ms ||
	    strcmp(e->answer.chain[0], q->name) != 0)
		return false;
	*a = e->answer;
	/* The TTLs count down, as a resolver's cache says them. */
	age = (uint32_t)((now_ms - e->stored_ms) / 1000);
	for (unsigned i = 0; i + 1 < a->chain_len; i++)
		a->chain_ttl[i] -= a->chain_ttl[i] > age ? age : a->chain_ttl[i];
	for (unsigned i = 0; i < a->addr_count; i++)
		a->addrs[i].ttl -= a->addrs[i].ttl > age ? age : a->addrs[i].ttl;
	return true;
}
