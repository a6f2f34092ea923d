/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/egress_policy.h"

#include <string.h>
#include <sys/socket.h>

#include "base/cleanup.h"
#include "db/egress_store.h"
#include "egress/dns_lookup.h"
#include "egress/egress_sync.h"
#include "net/local_addr.h"

struct overlap_search {
	const struct cc_egress_rule *rule;
	bool exact;
	bool overlap;
	char other[160];
};

static int find_overlap(const struct cc_egress_entry *e, void *ctx)
{
	struct overlap_search *s = ctx;

	if (!cc_nft_rules_overlap(&e->rule, s->rule))
		return 0;
	if (cc_egress_rules_equal(&e->rule, s->rule))
		s->exact = true;
	else if (!s->overlap) {
		s->overlap = true;
		cc_egress_format_rule(&e->rule, s->other, sizeof(s->other));
	}
	return 0;
}

static int search_overlap(const struct cc_egress_ctx *x, int64_t chat, const struct cc_egress_rule *rule,
			  struct overlap_search *s, struct cc_err *err)
{
	memset(s, 0, sizeof(*s));
	s->rule = rule;
	return cc_egress_each(x->reg, chat, find_overlap, s, err);
}

int cc_egress_allow_address(const struct cc_egress_ctx *x, const struct cc_chat *chat,
			    const struct cc_egress_rule *rule, struct cc_err *err)
{
	struct cc_nft_element el = {chat->uid, *rule, 0};
	struct overlap_search s;

	if (search_overlap(x, chat->id, rule, &s, err) < 0)
		return -1;
	if (s.exact)
		return 0;
	if (s.overlap) {
		char text[160];

		cc_egress_format_rule(rule, text, sizeof(text));
		return cc_fail(err, CC_ERR_CONFLICT,
			       "%s overlaps the rule %s of %s; deny that one first, or allow one range that covers both",
			       text, s.other, chat->name);
	}
	if (cc_egress_add_rule(x->reg, chat->id, rule, 0, 0, err) < 0 ||
	    cc_egress_change(x->reg, x->config, &el, 1, NULL, 0, x->now, err) < 0)
		return -1;
	return 1;
}

int cc_egress_deny_address(const struct cc_egress_ctx *x, const struct cc_chat *chat,
			   const struct cc_egress_rule *rule, struct cc_err *err)
{
	struct cc_nft_element el = {chat->uid, *rule, 0};
	int removed = cc_egress_remove_rule(x->reg, chat->id, rule, err);

	if (removed <= 0)
		return removed;
	return cc_egress_revoke(x->reg, x->config, &el, 1, x->now, err) < 0 ? -1 : 1;
}

struct host_elements {
	struct cc_nft_element items[CC_DNS_ANSWERS_MAX];
	size_t count;
};

struct host_match {
	const char *host;
	const struct cc_egress_rule *ports;
	struct host_elements *out;
};

static int match_host_element(const struct cc_egress_entry *e, void *ctx)
{
	struct host_match *m = ctx;

	if (strcmp(e->host, m->host) != 0 || e->rule.proto != m->ports->proto ||
	    e->rule.port_first != m->ports->port_first || e->rule.port_last != m->ports->port_last ||
	    m->out->count == CC_DNS_ANSWERS_MAX)
		return 0;
	m->out->items[m->out->count++] = (struct cc_nft_element){e->uid, e->rule, 0};
	return 0;
}

/* The addresses a host rule holds now, as elements (to take them out). */
static int host_elements_of(const struct cc_egress_ctx *x, int64_t chat, const char *host,
			    const struct cc_egress_rule *ports, struct host_elements *old, struct cc_err *err)
{
	struct host_match m = {host, ports, old};

	old->count = 0;
	return cc_egress_each(x->reg, chat, match_host_element, &m, err);
}

int cc_egress_refresh_host(const struct cc_egress_ctx *x, const struct cc_chat *chat, int64_t host_id,
			   const char *host, const struct cc_egress_rule *ports, unsigned *addresses,
			   struct cc_err *err)
{
	struct cc_dns_addr answers[CC_DNS_ANSWERS_MAX];
	struct host_elements old = {0}, fresh = {0};
	size_t n;

	cc_cleanup_close int route_fd = -1;
	size_t refused = 0;

	*addresses = 0;
	if (cc_dns_resolve(host, answers, &n, err) < 0 || host_elements_of(x, chat->id, host, ports, &old, err) < 0 ||
	    cc_egress_clear_host_addresses(x->reg, host_id, err) < 0)
		return -1;
	route_fd = cc_local_route_open();
	for (size_t i = 0; i < n; i++) {
		struct cc_egress_rule rule = *ports;
		struct overlap_search s;
		uint32_t ttl = answers[i].ttl ? answers[i].ttl : 1;
		bool is_private;

		/* As the DNS gate judges its answers (the name's owner may point
		 * it anywhere): never loopback, a cell, the gateway or an address
		 * of the host's own; a private one is the admin's to name. */
		if (!cc_addr_may_open(x->config, route_fd, answers[i].family, answers[i].addr, true, &is_private)) {
			refused++;
			continue;
		}

		rule.family = answers[i].family;
		memcpy(rule.addr, answers[i].addr, sizeof(rule.addr));
		rule.prefix_len = rule.family == AF_INET ? 32 : 128;
		if (search_overlap(x, chat->id, &rule, &s, err) < 0)
			return -1;
		if (s.exact || s.overlap)
			continue; /* another rule of this chat already allows it */
		if (cc_egress_add_rule(x->reg, chat->id, &rule, host_id, x->now + ttl, err) < 0)
			return -1;
		fresh.items[fresh.count++] = (struct cc_nft_element){chat->uid, rule, (uint64_t)ttl * 1000};
	}
	if (refused == n)
		return cc_fail(err, CC_ERR_INVALID,
			       "%s resolves only to addresses chatcell never opens to a chat (loopback, the cells', the "
			       "cells' gateway, or this host's own)",
			       host);
	*addresses = (unsigned)fresh.count;
	return cc_egress_change(x->reg, x->config, fresh.items, fresh.count, old.items, old.count, x->now, err);
}

int cc_egress_allow_host(const struct cc_egress_ctx *x, const struct cc_chat *chat, const char *host,
			 const struct cc_egress_rule *ports, unsigned *addresses, struct cc_err *err)
{
	int64_t host_id;

	if (cc_egress_add_host(x->reg, chat->id, host, ports, &host_id, err) < 0 ||
	    cc_egress_refresh_host(x, chat, host_id, host, ports, addresses, err) < 0)
		return -1;
	return 1;
}

int cc_egress_deny_host(const struct cc_egress_ctx *x, const struct cc_chat *chat, const char *host,
			const struct cc_egress_rule *ports, struct cc_err *err)
{
	struct host_elements old = {0};
	int removed;

	if (host_elements_of(x, chat->id, host, ports, &old, err) < 0)
		return -1;
	removed = cc_egress_remove_host(x->reg, chat->id, host, ports, err);
	if (removed <= 0)
		return removed;
	return cc_egress_revoke(x->reg, x->config, old.items, old.count, x->now, err) < 0 ? -1 : 1;
}
