/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The names a cell's chat may look up: its --domain rules from the
 * registry, then dns_allow from chatcell.conf. The registry is read again
 * only when it changed (SQLite's data_version moves when another
 * connection commits), so the common query reads nothing. */
#include "gate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "base/trusted_dir.h"
#include "db/chats.h"
#include "db/settings.h"
#include "dns/dns_name.h"

/* `egress apply`, `restore` or `init` built running cells' tables anew,
 * their learned sets empty: what the gate thinks it opened there is not
 * open any more, so it forgets it and opens it again at the next answer
 * (else a lookup succeeds and the connect is refused until the address
 * would have been renewed). Read first when the registry is opened (the
 * gate's start forgets everything anyway), then at each change. */
static void tables_rebuilt(struct gate *g, bool first)
{
	char now[sizeof(g->tables_rebuilt)] = "";
	struct cc_err err = {0};

	if (cc_settings_get(&g->reg, CC_SETTING_TABLES_REBUILT, now, sizeof(now), &err) < 0 ||
	    strcmp(now, g->tables_rebuilt) == 0)
		return;
	if (!first)
		for (uint32_t i = 0; i < g->capacity; i++)
			if (g->cells[i])
				gate_learn_reset(g->cells[i]);
	snprintf(g->tables_rebuilt, sizeof(g->tables_rebuilt), "%s", now);
}

static int open_registry(struct gate *g, struct cc_err *err)
{
	int dir;

	if (g->reg_open)
		return 0;
	dir = cc_open_trusted_dir(CHATCELL_STATE_DIR, 0, err);
	if (dir < 0)
		return -1;
	if (cc_registry_open(&g->reg, dir, CHATCELL_STATE_DIR, false, err) < 0)
		return -1;
	g->reg_open = true;
	/* The loop answers every cell: it never waits long for a writer (in
	 * WAL mode a reader does not wait at all; an audit write may lose). */
	sqlite3_busy_timeout(g->reg.db, GATE_REGISTRY_WAIT_MS);
	if (cc_registry_prepare(&g->reg, "PRAGMA data_version", &g->data_version_stmt, err) < 0) {
		cc_registry_close(&g->reg);
		g->reg_open = false;
		return -1;
	}
	g->rules_epoch++;
	tables_rebuilt(g, true);
	/* A commit writes the registry's WAL (or, checkpointed, the registry)
	 * before it shows: its event is queued by then, so reading none
	 * before a look means none is needed. Watched from here on: what
	 * came before is read anew, as the epoch moved on. */
	g->registry_events = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (g->registry_events >= 0 &&
	    inotify_add_watch(g->registry_events, CHATCELL_STATE_DIR,
			      IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO) < 0) {
		close(g->registry_events);
		g->registry_events = -1;
	}
	return 0;
}

/* Has anything in the registry's directory changed since the last look?
 * The events are read to the end; unsure (no inotify, an overflow, an
 * error) is yes. */
static bool registry_touched(struct gate *g)
{
	static char events[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool touched = false;

	if (g->registry_events < 0)
		return true;
	for (;;) {
		ssize_t n = read(g->registry_events, events, sizeof(events));

		if (n > 0) {
			touched = true;
			continue;
		}
		return touched || !(n < 0 && errno == EAGAIN);
	}
}

/* Move the epoch on when someone committed to the registry since. Once
 * per round of questions and once per timer tick: a look is a read
 * transaction, a few system calls, made only after a change in the
 * registry's directory (one read of the inotify descriptor otherwise). */
void gate_policy_check(struct gate *g)
{
	struct cc_err err = {0};
	int64_t version;

	if (!g->reg_open) {
		if (open_registry(g, &err) < 0) {
			static bool said;

			if (!said)
				fprintf(stderr, "chatcelld: DNS gate: %s; only dns_allow applies until it can be read\n",
					err.msg);
			said = true;
		}
		return;
	}
	if (!registry_touched(g))
		return;
	if (sqlite3_step(g->data_version_stmt) != SQLITE_ROW) {
		sqlite3_reset(g->data_version_stmt);
		g->rules_epoch++; /* cannot tell: read again */
		return;
	}
	version = sqlite3_column_int64(g->data_version_stmt, 0);
	sqlite3_reset(g->data_version_stmt);
	if (version != g->data_version) {
		g->data_version = version;
		g->rules_epoch++;
		tables_rebuilt(g, false);
	}
}

struct collect {
	struct gate_rule *rules;
	size_t count;
	bool dropped;
};

static void put_rule(struct collect *c, const char *pattern, bool any_port, const struct cc_egress_rule *ports,
		     bool private_ok)
{
	struct gate_rule *r;

	if (c->count == GATE_RULES_MAX) {
		c->dropped = true;
		return;
	}
	r = &c->rules[c->count++];
	memset(r, 0, sizeof(*r));
	snprintf(r->pattern, sizeof(r->pattern), "%s", pattern);
	r->wildcard = pattern[0] == '*';
	r->any_port = any_port;
	if (!any_port) {
		r->proto = ports->proto;
		r->port_first = ports->port_first;
		r->port_last = ports->port_last;
	}
	r->private_ok = private_ok;
}

static int take_domain(const struct cc_egress_domain *d, void *ctx)
{
	struct collect *c = ctx;

	if (c->count >= GATE_CHAT_RULES_MAX) {
		c->dropped = true;
		return 0;
	}
	put_rule(c, d->pattern, d->any_port, &d->ports, d->private_ok);
	return 0;
}

static bool same_rule(const struct gate_rule *a, const struct gate_rule *b)
{
	return strcmp(a->pattern, b->pattern) == 0 && a->wildcard == b->wildcard && a->any_port == b->any_port &&
	       a->proto == b->proto && a->port_first == b->port_first && a->port_last == b->port_last &&
	       a->private_ok == b->private_ok;
}

/* Is every rule of `old` still in `now`? (A rule added opens nothing.) */
static bool rules_kept(const struct gate_rule *old, size_t old_count, const struct gate_rule *now, size_t now_count)
{
	for (size_t i = 0; i < old_count; i++) {
		bool kept = false;

		for (size_t j = 0; j < now_count && !kept; j++)
			kept = same_rule(&old[i], &now[j]);
		if (!kept)
			return false;
	}
	return true;
}

void gate_policy_refresh(struct gate *g, struct gate_cell *cell)
{
	static struct gate_rule collected[GATE_RULES_MAX]; /* one loop, one thread */
	struct collect c = {.rules = collected};
	struct gate_rule *rules = NULL;
	struct cc_err err = {0};

	if (cell->rules_epoch == g->rules_epoch)
		return;
	memset(collected, 0, sizeof(collected));
	if (g->reg_open) {
		struct cc_chat chat;
		int found = cc_chats_find_by_uid(&g->reg, cell->uid, &chat, &err);

		if (found > 0 && chat.state == CC_STATE_ACTIVE)
			found = cc_egress_each_domain(&g->reg, chat.id, take_domain, &c, &err);
		if (found < 0) {
			/* Fail closed: nothing of the chat's own until it can be read. */
			fprintf(stderr, "chatcelld: DNS gate: rules of %s: %s\n", cell->user, err.msg);
			memset(collected, 0, sizeof(collected));
			c.count = 0;
		}
	}
	for (unsigned i = 0; i < g->config->dns_allow_count; i++) {
		const struct cc_dns_allow *a = &g->config->dns_allow[i];

		put_rule(&c, a->pattern, a->any_port, &a->ports, false);
	}
	if (c.dropped)
		fprintf(stderr, "chatcelld: DNS gate: %s has more than %u domain rules; the rest are not applied\n",
			cell->user, (unsigned)GATE_CHAT_RULES_MAX);
	if (c.count && !(rules = malloc(c.count * sizeof(*rules))))
		return; /* keeps the rules it had, and tries again next time */
	if (c.count)
		memcpy(rules, collected, c.count * sizeof(*rules));
	if (cell->rules_epoch && !rules_kept(cell->rules, cell->rule_count, rules, c.count))
		gate_learn_revoke(g, cell); /* a rule went or changed: what it opened goes too */
	free(cell->rules);
	cell->rules = rules;
	cell->rule_count = c.count;
	cell->rules_epoch = g->rules_epoch;
}

bool gate_policy_allows(const struct gate_cell *cell, const char *name, bool *matched)
{
	bool resolver = cc_dns_known_resolver(name);
	bool any = false;

	for (size_t i = 0; i < cell->rule_count; i++) {
		const struct gate_rule *r = &cell->rules[i];
		bool hit = !(resolver && r->wildcard) && cc_dns_pattern_match(r->pattern, name);

		if (matched)
			matched[i] = hit;
		any = any || hit;
	}
	return any;
}
