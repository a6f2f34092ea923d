/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The addresses a cell's chat was given, put into the learned sets of its
 * cell's table (egress_nft.h) before it sees them. The gate remembers
 * when each element times out in the kernel, so an answer it already
 * opened for long enough costs no netlink at all, and one about to time
 * out is renewed (deleted and added again in one transaction: adding an
 * element that is there does not move its timeout on every kernel).
 *
 * The gate's view is never shorter than the kernel's: it takes the time
 * before the transaction, the kernel after. An entry is treated as still
 * in the kernel for RENEW_SLACK_MS past its time. */
#include "gate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cell/cell.h"
#include "egress/conntrack_flush.h"
#include "egress/egress_nft.h"

#define LEARNED_MAX 16384 /* per cell; past it (after expired ones are pruned) the answer fails: SERVFAIL to that chat only */
#define RENEW_SLACK_MS 1000
#define PORTS_PER_RULE_MAX 64 /* as egress allow --domain allows */

struct entry {
	uint8_t key[24]; /* family, any_port, proto, 0, port (big-endian), 0, 0, address */
	int64_t expires_ms;
};

struct gate_learned {
	struct entry *entries; /* sorted by key */
	size_t count, cap;
};

static void make_key(const struct cc_nft_learned *el, uint8_t key[24])
{
	memset(key, 0, 24);
	key[0] = (uint8_t)el->family;
	key[1] = el->any_port;
	key[2] = el->proto;
	key[4] = (uint8_t)(el->port >> 8);
	key[5] = (uint8_t)el->port;
	memcpy(key + 8, el->addr, el->family == AF_INET ? 4 : 16);
}

/* Index of key, or where it goes (*found false). */
static size_t find(const struct gate_learned *l, const uint8_t key[24], bool *found)
{
	size_t lo = 0, hi = l->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(l->entries[mid].key, key, 24);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Drop entries the kernel surely no longer has. */
static void prune(struct gate_learned *l, int64_t now)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->count; i++)
		if (l->entries[i].expires_ms + RENEW_SLACK_MS > now)
			l->entries[kept++] = l->entries[i];
	l->count = kept;
}

static struct entry *insert(struct gate_learned *l, size_t at, const uint8_t key[24], int64_t now)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct entry *grown;

		prune(l, now);
		if (l->count < l->cap)
			return NULL; /* positions moved: the caller looks again */
		if (cap > LEARNED_MAX)
			return NULL;
		grown = realloc(l->entries, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		l->entries = grown;
		l->cap = cap;
	}
	memmove(&l->entries[at + 1], &l->entries[at], (l->count - at) * sizeof(*l->entries));
	memcpy(l->entries[at].key, key, 24);
	l->entries[at].expires_ms = 0;
	l->count++;
	return &l->entries[at];
}

/* What one answer changes, and what the gate's view was before. */
struct change {
	struct cc_nft_learned *renew, *fresh;
	size_t renew_count, fresh_count, cap;
	struct {
		uint8_t key[24];
		int64_t expires_ms;
	} *before;
	size_t before_count;
};

static int note(struct gate_learned *l, struct change *ch, const struct cc_nft_learned *el, int64_t now)
{
	uint8_t key[24];
	int64_t expires = now + (int64_t)el->timeout_ms;
	struct entry *e;
	bool found;
	size_t at;

	make_key(el, key);
	at = find(l, key, &found);
	if (found && l->entries[at].expires_ms - now > (int64_t)el->timeout_ms / 2)
		return 0; /* open for long enough already */
	if (ch->renew_count + ch->fresh_count == ch->cap)
		return -1;
	if (!found) {
		e = insert(l, at, key, now);
		if (!e) {
			at = find(l, key, &found);
			e = insert(l, at, key, now);
		}
		if (!e)
			return -1;
	} else {
		e = &l->entries[at];
	}
	memcpy(ch->before[ch->before_count].key, key, 24);
	ch->before[ch->before_count++].expires_ms = e->expires_ms;
	if (e->expires_ms + RENEW_SLACK_MS > now)
		ch->renew[ch->renew_count++] = *el;
	else
		ch->fresh[ch->fresh_count++] = *el;
	e->expires_ms = expires;
	return 0;
}

/* Put the gate's view back as it was (the kernel took nothing). */
static void undo(struct gate_learned *l, const struct change *ch)
{
	for (size_t i = ch->before_count; i-- > 0;) {
		bool found;
		size_t at = find(l, ch->before[i].key, &found);

		if (found)
			l->entries[at].expires_ms = ch->before[i].expires_ms;
	}
}

static int commit(struct gate_cell *cell, const struct change *ch, bool renew_by_delete)
{
	struct cc_nft_batch *batch = cc_nft_batch_new();
	struct cc_err err = {0};
	int kernel_errno = 0;
	int rc;

	if (!batch)
		return -ENOMEM;
	if (renew_by_delete)
		cc_nft_batch_unlearn(batch, ch->renew, ch->renew_count);
	cc_nft_batch_learn(batch, ch->renew, ch->renew_count);
	cc_nft_batch_learn(batch, ch->fresh, ch->fresh_count);
	rc = cc_nft_batch_commit_in(batch, cell->netns, &kernel_errno, &err);
	cc_nft_batch_free(batch);
	if (rc < 0 && kernel_errno != ENOENT)
		fprintf(stderr, "chatcelld: DNS gate: opening addresses for %s: %s\n", cell->user, err.msg);
	return rc < 0 ? (kernel_errno ? -kernel_errno : -EIO) : 0;
}

static uint64_t timeout_ms(const struct cc_config *c, uint32_t ttl)
{
	uint64_t s = ttl < c->dns_min_ttl ? c->dns_min_ttl : ttl > c->dns_max_ttl ? c->dns_max_ttl : ttl;

	return (s + c->dns_grace) * 1000;
}

int gate_learn(struct gate *g, struct gate_cell *cell, const bool *matched, const struct cc_dns_addr *addrs,
	       const bool *keep, const bool *is_private, unsigned count)
{
	struct change ch = {0};
	int64_t now = gate_now_ms();
	size_t per_addr = 0;
	int rc = 0;

	if (!cell->learned && !(cell->learned = calloc(1, sizeof(*cell->learned))))
		return -1;
	for (size_t r = 0; r < cell->rule_count; r++)
		if (matched[r])
			per_addr += cell->rules[r].any_port ? 1 : PORTS_PER_RULE_MAX;
	ch.cap = per_addr * count;
	if (ch.cap == 0)
		return 0;
	ch.renew = calloc(ch.cap, sizeof(*ch.renew));
	ch.fresh = calloc(ch.cap, sizeof(*ch.fresh));
	ch.before = calloc(ch.cap, sizeof(*ch.before));
	if (!ch.renew || !ch.fresh || !ch.before) {
		rc = -1;
		goto out;
	}
	for (unsigned i = 0; i < count && rc == 0; i++) {
		struct cc_nft_learned el = {.uid = cell->uid, .family = addrs[i].family};

		if (!keep[i])
			continue;
		memcpy(el.addr, addrs[i].addr, sizeof(el.addr));
		el.timeout_ms = timeout_ms(g->config, addrs[i].ttl);
		for (size_t r = 0; r < cell->rule_count && rc == 0; r++) {
			const struct gate_rule *rule = &cell->rules[r];

			if (!matched[r] || (is_private[i] && !rule->private_ok))
				continue;
			el.any_port = rule->any_port;
			if (rule->any_port) {
				el.proto = 0;
				el.port = 0;
				rc = note(cell->learned, &ch, &el, now);
				continue;
			}
			el.proto = rule->proto;
			for (uint32_t p = rule->port_first; p <= rule->port_last && rc == 0; p++) {
				el.port = (uint16_t)p;
				rc = note(cell->learned, &ch, &el, now);
			}
		}
	}
	if (rc == 0 && ch.renew_count + ch.fresh_count) {
		rc = commit(cell, &ch, ch.renew_count > 0);
		/* A renewed element the kernel timed out after all: add it. */
		if (rc == -ENOENT)
			rc = commit(cell, &ch, false);
	}
	if (rc < 0) {
		undo(cell->learned, &ch);
		rc = -1;
	}
out:
	free(ch.renew);
	free(ch.fresh);
	free(ch.before);
	return rc;
}

/* Empty the learned sets of the table in `netns` (a table that is not
 * there has none). */
static void forget_in(int netns, const char *who)
{
	struct cc_nft_batch *batch = cc_nft_batch_new();
	struct cc_err err = {0};
	int kernel_errno = 0;

	if (!batch)
		return;
	cc_nft_batch_forget_learned(batch);
	if (cc_nft_batch_commit_in(batch, netns, &kernel_errno, &err) < 0 && kernel_errno != ENOENT)
		fprintf(stderr, "chatcelld: DNS gate: forgetting the addresses learned by %s: %s\n", who, err.msg);
	cc_nft_batch_free(batch);
}

void gate_learn_reset(struct gate_cell *cell)
{
	if (cell->learned)
		cell->learned->count = 0;
}

void gate_learn_forget(struct gate *g, struct gate_cell *cell)
{
	(void)g;
	gate_learn_reset(cell);
	forget_in(cell->netns, cell->user);
}

void gate_learn_revoke(struct gate *g, struct gate_cell *cell)
{
	struct cc_err err = {0};

	gate_learn_forget(g, cell);
	/* As `egress deny` does: no connection outlives its rule, including
	 * one an answer opened between the deny's cut and its commit. */
	if (cc_conntrack_flush(cell->netns, &err) < 0)
		fprintf(stderr, "chatcelld: DNS gate: %s: %s\n", cell->user, err.msg);
}

static int forget_cell(uint32_t uid, const struct cc_cell *cell, void *ctx, struct cc_err *err)
{
	int netns = cc_cell_netns_open(cell);

	(void)uid, (void)ctx, (void)err;
	if (netns >= 0) {
		forget_in(netns, cell->name[0] ? cell->name : "a cell");
		close(netns);
	}
	return 0;
}

void gate_learn_forget_all(void)
{
	struct cc_err err = {0};

	if (cc_cell_each(forget_cell, NULL, &err) < 0)
		fprintf(stderr, "chatcelld: DNS gate: listing the running cells to forget what they learned: %s\n",
			err.msg);
}

void gate_learn_free(struct gate_cell *cell)
{
	if (cell->learned)
		free(cell->learned->entries);
	free(cell->learned);
	cell->learned = NULL;
}
