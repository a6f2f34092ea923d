/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* egress: a chat's network allowlist. Every change is one registry
 * transaction around one nftables transaction: the registry commits only if
 * the kernel took the change, so the two never disagree.
 *
 *   egress allow   CHAT ADDRESS[/PREFIX] --port P[-Q] [--proto tcp|udp]
 *   egress allow   CHAT --host NAME --port P[-Q] [--proto tcp|udp]
 *   egress allow   CHAT --domain PATTERN [--port P[-Q] [--proto tcp|udp]] [--private]
 *   egress deny    (the same forms)
 *   egress list    CHAT
 *   egress refresh [CHAT]      re-resolve --host rules
 *   egress apply               rebuild the kernel table from the registry
 * CHAT is a chat ID, --stdin or --user NAME. A --domain rule is read by
 * the DNS gate (chatcelld) at each query and changes no kernel table; when
 * one goes, the addresses the chat learned are forgotten. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "commands.h"
#include "db/egress_store.h"
#include "db/events.h"
#include "egress/dns_lookup.h"
#include "egress/egress_policy.h"
#include "egress/egress_sync.h"
#include "egress/host_nft.h"
#include "egress_text.h"
#include "fs/chat_lock.h"
#include "host_net.h"
#include "json.h"

/* The chat and the rule a command is about. */
struct egress_request {
	struct chat_target target;
	struct cc_chat chat;
	struct cc_egress_rule rule; /* with --host: proto and ports only */
	const char *host;
	bool is_domain;
	struct cc_egress_domain domain; /* with --domain */
	char text[320]; /* the rule as people read it, for output and the audit trail */
};

/* --domain PATTERN [--port P[-Q] [--proto tcp|udp]] [--private] */
static int read_domain(struct admin *a, struct egress_request *r)
{
	struct admin_options *o = &a->opt;
	struct cc_egress_domain *d = &r->domain;

	if (o->host)
		return cc_fail(&a->err, CC_ERR_USAGE, "give --domain or --host, not both");
	if (o->proto && !o->port)
		return cc_fail(&a->err, CC_ERR_USAGE, "--proto needs --port; without them a domain rule opens every TCP "
						     "and UDP port but 53 and 853");
	d->any_port = !o->port;
	d->private_ok = o->private_ok;
	if (o->port && (cc_egress_parse_proto(o->proto ? o->proto : "tcp", &d->ports, &a->err) < 0 ||
			cc_egress_parse_ports(o->port, &d->ports, &a->err) < 0))
		return -1;
	if (cc_dns_rule_check(o->domain, d->any_port ? NULL : &d->ports, d->pattern, &a->err) < 0)
		return -1;
	r->is_domain = true;
	egress_domain_text(d, false, r->text, sizeof(r->text));
	return 0;
}

/* Operands after the subcommand: [CHAT_ID] [ADDRESS]. */
static int read_request(struct admin *a, struct egress_request *r, bool need_rule)
{
	struct admin_options *o = &a->opt;
	int chat_operands = (o->from_stdin || o->user) ? 0 : 1;
	int rule_operands = need_rule && !o->host && !o->domain ? 1 : 0;
	int saved_argc = o->argc;

	memset(r, 0, sizeof(*r));
	if (o->argc != chat_operands + rule_operands)
		return cc_fail(&a->err, CC_ERR_USAGE,
			       need_rule ? "give the chat (CHAT_ID, --stdin or --user NAME) and ADDRESS[/PREFIX], --host NAME "
					   "or --domain PATTERN"
					 : "give the chat: CHAT_ID, --stdin or --user NAME");
	o->argc = chat_operands;
	if (admin_read_target(a, &r->target, true) < 0)
		return -1;
	o->argc = saved_argc;
	if (!need_rule)
		return 0;
	if (o->domain)
		return read_domain(a, r);
	if (o->private_ok)
		return cc_fail(&a->err, CC_ERR_USAGE, "--private applies to --domain rules only");
	if (!o->port)
		return cc_fail(&a->err, CC_ERR_USAGE, "give the destination port: --port PORT or --port FIRST-LAST");
	if (cc_egress_parse_proto(o->proto ? o->proto : "tcp", &r->rule, &a->err) < 0 ||
	    cc_egress_parse_ports(o->port, &r->rule, &a->err) < 0)
		return -1;
	if (o->host) {
		if (!cc_dns_name_valid(o->host))
			return cc_fail(&a->err, CC_ERR_INVALID, "'%s' is not a host name: %s", o->host, CC_DNS_NAME_RULE);
		r->host = o->host;
		snprintf(r->text, sizeof(r->text), "host %s %s %s", o->host, o->proto ? o->proto : "tcp", o->port);
		return 0;
	}
	if (cc_egress_parse_prefix(o->argv[chat_operands], &r->rule, &a->err) < 0)
		return -1;
	cc_egress_format_rule(&r->rule, r->text, sizeof(r->text));
	return 0;
}

/* The chat's work lock, then the registry's write transaction (the order
 * every command takes them in: the other way round, a suspend holding the
 * lock and waiting for the registry would wait out its busy timeout),
 * both held from the kernel change to the registry's commit: a login that
 * builds the chat's cell table (under the same lock) reads all of the
 * change or none. The chat is read again inside the transaction. */
static int begin(struct admin *a, struct egress_request *r)
{
	return admin_begin_chat_change(a, &r->target, &r->chat, false);
}

/* allow or deny, under begin()'s transaction and lock. */
static int change(struct admin *a, struct egress_request *r, int (*locked)(struct admin *, struct egress_request *))
{
	int rc;

	if (begin(a, r) < 0)
		return -1;
	rc = locked(a, r);
	cc_chat_unlock(a->lock_fd, r->chat.uid);
	return rc;
}

static struct cc_egress_ctx policy_ctx(struct admin *a)
{
	return (struct cc_egress_ctx){&a->reg, &a->config, a->now};
}

static void print_result(struct admin *a, const struct egress_request *r, const char *verb)
{
	if (a->opt.json) {
		printf("{");
		json_field_string(stdout, "name", r->chat.name, 0);
		json_field_string(stdout, "rule", r->text, 1);
		json_field_string(stdout, "result", verb, 1);
		printf("}\n");
	} else {
		printf("%s: %s %s\n", r->chat.name, r->text, verb);
	}
}

/* Commit the registry after the kernel took the change. */
static int finish(struct admin *a, struct egress_request *r, const char *action, const char *verb)
{
	if (cc_events_add(&a->reg, a->now, a->actor, action, &r->chat, r->text, &a->err) < 0 ||
	    cc_registry_commit(&a->reg, &a->err) < 0) {
		struct cc_err rebuild = {0};

		cc_registry_rollback(&a->reg);
		/* The kernel may hold a change the registry lost: rebuild it, and
		 * say so if that fails too. */
		if (cc_egress_rebuild(&a->reg, &a->config, a->now, NULL, &rebuild) < 0)
			cc_err_prefix(&a->err,
				      "the running cells' egress tables may differ from the registry (rebuilding them "
				      "failed: %.300s; run 'chatcell-admin egress apply'): ",
				      rebuild.msg);
		return -1;
	}
	print_result(a, r, verb);
	return 0;
}

/* The rule as it stands, without a change: nothing to commit. */
static int unchanged(struct admin *a, const struct egress_request *r, const char *verb)
{
	cc_registry_rollback(&a->reg);
	print_result(a, r, verb);
	return 0;
}

static int no_such_rule(struct admin *a, const struct egress_request *r)
{
	return cc_fail(&a->err, CC_ERR_NOT_FOUND, "%s has no rule %s; 'chatcell-admin egress list' shows its rules",
		       r->chat.name, r->text);
}

struct domain_find {
	const struct cc_egress_domain *want;
	int found; /* 0 no, 1 yes, with the same --private, 2 yes, with the other */
};

static int find_domain(const struct cc_egress_domain *d, void *ctx)
{
	struct domain_find *f = ctx;
	const struct cc_egress_domain *w = f->want;

	if (strcmp(d->pattern, w->pattern) == 0 && d->any_port == w->any_port &&
	    (d->any_port || (d->ports.proto == w->ports.proto && d->ports.port_first == w->ports.port_first &&
			     d->ports.port_last == w->ports.port_last)))
		f->found = d->private_ok == w->private_ok ? 1 : 2;
	return 0;
}

/* The gate reads domain rules from the registry: no kernel change, but
 * for a rule that loses --private: the private addresses it let the
 * chat's running cell learn go with it, as with deny. */
static int allow_domain(struct admin *a, struct egress_request *r)
{
	struct domain_find f = {&r->domain, 0};

	if (cc_egress_each_domain(&a->reg, r->chat.id, find_domain, &f, &a->err) < 0 ||
	    (f.found != 1 && cc_egress_add_domain(&a->reg, r->chat.id, &r->domain, &a->err) < 0) ||
	    (f.found == 2 && !r->domain.private_ok &&
	     cc_egress_forget_learned(&a->reg, &a->config, r->chat.uid, a->now, &a->err) < 0)) {
		cc_registry_rollback(&a->reg);
		return -1;
	}
	egress_domain_text(&r->domain, true, r->text, sizeof(r->text));
	if (f.found == 1)
		return unchanged(a, r, "already allowed");
	if (f.found == 2 && !r->domain.private_ok)
		snprintf(r->text + strlen(r->text), sizeof(r->text) - strlen(r->text), ", not private");
	return finish(a, r, "egress-allow", "allowed");
}

/* The rule goes, and with it whatever the chat's running cell learned
 * (its learned sets hold one chat's addresses; the rules that remain let
 * it learn theirs again at the next lookup). */
static int deny_domain(struct admin *a, struct egress_request *r)
{
	int rc = cc_egress_remove_domain(&a->reg, r->chat.id, &r->domain, &a->err);

	if (rc == 0)
		no_such_rule(a, r);
	if (rc <= 0 || cc_egress_forget_learned(&a->reg, &a->config, r->chat.uid, a->now, &a->err) < 0) {
		cc_registry_rollback(&a->reg);
		return -1;
	}
	return finish(a, r, "egress-deny", "denied");
}

static int allow_locked(struct admin *a, struct egress_request *r)
{
	struct cc_egress_ctx x = policy_ctx(a);
	unsigned added;
	int rc;

	if (r->is_domain)
		return allow_domain(a, r);
	if (!r->host) {
		rc = cc_egress_allow_address(&x, &r->chat, &r->rule, &a->err);
		if (rc == 0)
			return unchanged(a, r, "already allowed");
	} else {
		rc = cc_egress_allow_host(&x, &r->chat, r->host, &r->rule, &added, &a->err);
		if (rc > 0) {
			char detail[sizeof(r->text)];
			int len;

			snprintf(detail, sizeof(detail), "%s", r->text);
			len = snprintf(r->text, sizeof(r->text), "%s (%u address%s)", detail, added,
				       added == 1 ? "" : "es");
			if (len >= (int)sizeof(r->text)) /* a 253-byte host name: keep the rule, drop the count */
				snprintf(r->text, sizeof(r->text), "%s", detail);
		}
	}
	if (rc < 0) {
		cc_registry_rollback(&a->reg);
		return -1;
	}
	return finish(a, r, "egress-allow", "allowed");
}

static int deny_locked(struct admin *a, struct egress_request *r)
{
	struct cc_egress_ctx x = policy_ctx(a);
	int rc;

	if (r->is_domain)
		return deny_domain(a, r);
	rc = r->host ? cc_egress_deny_host(&x, &r->chat, r->host, &r->rule, &a->err)
		     : cc_egress_deny_address(&x, &r->chat, &r->rule, &a->err);
	if (rc == 0)
		no_such_rule(a, r);
	if (rc <= 0) {
		cc_registry_rollback(&a->reg);
		return -1;
	}
	return finish(a, r, "egress-deny", "denied");
}

struct list_print {
	struct admin *a;
	bool first;
};

static void print_expiry(struct admin *a, int64_t expires_at)
{
	char at[32];

	format_time(expires_at, at, sizeof(at));
	printf(expires_at <= a->now ? " (expired %s)" : " (until %s)", at);
}

static int print_rule(const struct cc_egress_entry *e, void *ctx)
{
	struct list_print *p = ctx;
	char text[160];

	cc_egress_format_rule(&e->rule, text, sizeof(text));
	if (p->a->opt.json) {
		printf(p->first ? "{" : ",{");
		json_field_string(stdout, "rule", text, 0);
		json_field_string(stdout, "host", e->host[0] ? e->host : NULL, 1);
		json_field_time(stdout, "expires_at", e->expires_at, 1);
		printf("}");
	} else {
		printf("  %s", text);
		if (e->host[0])
			printf("  from %s", e->host);
		if (e->expires_at)
			print_expiry(p->a, e->expires_at);
		printf("\n");
	}
	p->first = false;
	return 0;
}

static int print_host(const struct cc_egress_host *h, void *ctx)
{
	struct list_print *p = ctx;
	const char *proto = h->ports.proto == 6 ? "tcp" : "udp";

	if (p->a->opt.json) {
		char ports[16];

		snprintf(ports, sizeof(ports), h->ports.port_first == h->ports.port_last ? "%u" : "%u-%u",
			 h->ports.port_first, h->ports.port_last);
		printf(p->first ? "{" : ",{");
		json_field_string(stdout, "host", h->host, 0);
		json_field_string(stdout, "proto", proto, 1);
		json_field_string(stdout, "ports", ports, 1);
		printf("}");
	} else if (h->ports.port_first == h->ports.port_last) {
		printf("  host %s %s %u\n", h->host, proto, h->ports.port_first);
	} else {
		printf("  host %s %s %u-%u\n", h->host, proto, h->ports.port_first, h->ports.port_last);
	}
	p->first = false;
	return 0;
}

static int print_domain(const struct cc_egress_domain *d, void *ctx)
{
	struct list_print *p = ctx;

	if (p->a->opt.json) {
		if (!p->first)
			fputc(',', stdout);
		egress_domain_json(stdout, d);
	} else {
		char text[320];

		egress_domain_text(d, true, text, sizeof(text));
		printf("  %s\n", text);
	}
	p->first = false;
	return 0;
}

/* chatcell.conf's egress_allow and dns_allow, as text. */
static void print_shared(struct admin *a)
{
	char text[320];
	bool first = true;

	for (unsigned i = 0; i < a->config.egress_allow_count + a->config.dns_allow_count; i++) {
		if (i < a->config.egress_allow_count) {
			cc_egress_format_rule(&a->config.egress_allow[i], text, sizeof(text));
		} else {
			const struct cc_dns_allow *allow = &a->config.dns_allow[i - a->config.egress_allow_count];
			struct cc_egress_domain d = {.any_port = allow->any_port, .ports = allow->ports};

			snprintf(d.pattern, sizeof(d.pattern), "%s", allow->pattern);
			egress_domain_text(&d, false, text, sizeof(text));
		}
		if (a->opt.json) {
			if (!first)
				fputc(',', stdout);
			json_string(stdout, text, strlen(text));
		} else {
			printf("  %s  (every chat: chatcell.conf)\n", text);
		}
		first = false;
	}
}

static int list(struct admin *a)
{
	struct egress_request r;
	struct list_print p = {a, true};
	int rc;

	if (read_request(a, &r, false) < 0 || cc_registry_begin_read(&a->reg, &a->err) < 0)
		return -1;
	if (admin_find_target(a, &r.target, &r.chat) <= 0) {
		cc_registry_rollback(&a->reg);
		return -1;
	}
	if (a->opt.json) {
		printf("{");
		json_field_string(stdout, "name", r.chat.name, 0);
		json_field_u64(stdout, "uid", r.chat.uid, 1);
		printf(",\"rules\":[");
	} else {
		printf("egress allowlist of %s (uid %u):\n", r.chat.name, r.chat.uid);
	}
	rc = cc_egress_each(&a->reg, r.chat.id, print_rule, &p, &a->err);
	p.first = true;
	if (a->opt.json)
		printf("],\"hosts\":[");
	if (rc == 0)
		rc = cc_egress_each_host(&a->reg, r.chat.id, print_host, &p, &a->err);
	p.first = true;
	if (a->opt.json)
		printf("],\"domains\":[");
	if (rc == 0)
		rc = cc_egress_each_domain(&a->reg, r.chat.id, print_domain, &p, &a->err);
	if (a->opt.json)
		printf("],\"shared\":[");
	print_shared(a);
	if (a->opt.json)
		printf("]}\n");
	cc_registry_rollback(&a->reg);
	return rc;
}

struct refresh {
	struct cc_egress_host *hosts;
	size_t count, capacity;
	struct cc_err *err;
};

static int collect_host(const struct cc_egress_host *h, void *ctx)
{
	struct refresh *r = ctx;

	struct cc_egress_host *grown = cc_grow(r->hosts, &r->capacity, r->count, sizeof(*r->hosts), 16);

	if (!grown)
		return cc_fail_errno(r->err, CC_ERR_SYSTEM, ENOMEM, "collecting host rules");
	r->hosts = grown;
	r->hosts[r->count++] = *h;
	return 0;
}

struct host_match {
	const struct cc_egress_host *want;
	bool found;
};

static int match_host(const struct cc_egress_host *h, void *ctx)
{
	struct host_match *m = ctx;

	if (h->id == m->want->id && strcmp(h->host, m->want->host) == 0 && h->ports.proto == m->want->ports.proto &&
	    h->ports.port_first == m->want->ports.port_first && h->ports.port_last == m->want->ports.port_last)
		m->found = true;
	return 0;
}

/* Inside the transaction: is the host rule still the one read before, of
 * the same chat (same UID)? 1, 0, or -1 on a registry error. */
static int host_unchanged(struct admin *a, const struct cc_egress_host *h, uint32_t uid)
{
	struct host_match m = {h, false};
	struct cc_chat owner;
	int found = cc_chats_find_by_id(&a->reg, h->chat, &owner, &a->err);

	if (found <= 0 || owner.uid != uid || owner.state == CC_STATE_DELETED)
		return found < 0 ? -1 : 0;
	if (cc_egress_each_host(&a->reg, h->chat, match_host, &m, &a->err) < 0)
		return -1;
	return m.found;
}

/* Re-resolve every host rule (of one chat, or all); one transaction each,
 * so one name that fails to resolve does not hold up the others. */
static int refresh(struct admin *a)
{
	struct refresh r = {NULL, 0, 0, &a->err};
	struct cc_egress_ctx x = policy_ctx(a);
	struct egress_request req;
	int64_t chat = 0;
	unsigned failed = 0;

	if (a->opt.argc > 0 || a->opt.from_stdin || a->opt.user) {
		if (read_request(a, &req, false) < 0 || admin_find_target(a, &req.target, &req.chat) <= 0)
			return -1;
		chat = req.chat.id;
	}
	if (cc_egress_each_host(&a->reg, chat, collect_host, &r, &a->err) < 0) {
		free(r.hosts);
		return -1;
	}
	for (size_t i = 0; i < r.count; i++) {
		struct cc_chat owner;
		unsigned added;
		int rc, still;

		/* As allow and deny: the owner's work lock, then the transaction,
		 * until the commit; inside it, the rule read again (a deny that
		 * came first leaves nothing to refresh). */
		if (cc_chats_find_by_id(&a->reg, r.hosts[i].chat, &owner, &a->err) <= 0)
			continue; /* its chat is gone, and the rule with it */
		rc = cc_chat_lock(a->lock_fd, owner.uid, true);
		if (rc < 0) {
			cc_fail_errno(&a->err, CC_ERR_SYSTEM, -rc, "cannot take the work lock of %s", owner.name);
			fprintf(stderr, "chatcell-admin egress refresh: %s\n", a->err.msg);
			failed++;
			continue;
		}
		if (cc_registry_begin_write(&a->reg, &a->err) < 0) {
			cc_chat_unlock(a->lock_fd, owner.uid);
			break;
		}
		still = host_unchanged(a, &r.hosts[i], owner.uid);
		if (still == 0) {
			cc_registry_rollback(&a->reg);
			cc_chat_unlock(a->lock_fd, owner.uid);
			continue;
		}
		if (still < 0 ||
		    cc_egress_refresh_host(&x, &owner, r.hosts[i].id, r.hosts[i].host, &r.hosts[i].ports, &added,
					   &a->err) < 0 ||
		    cc_events_add(&a->reg, a->now, a->actor, "egress-refresh", &owner, r.hosts[i].host, &a->err) < 0 ||
		    cc_registry_commit(&a->reg, &a->err) < 0) {
			cc_registry_rollback(&a->reg);
			cc_chat_unlock(a->lock_fd, owner.uid);
			fprintf(stderr, "chatcell-admin egress refresh: %s\n", a->err.msg);
			failed++;
			continue;
		}
		cc_chat_unlock(a->lock_fd, owner.uid);
		if (!a->opt.json)
			printf("%s: host %s: %u address%s\n", owner.name, r.hosts[i].host, added, added == 1 ? "" : "es");
	}
	if (a->opt.json)
		printf("{\"hosts\":%zu,\"failed\":%u}\n", r.count, failed);
	free(r.hosts);
	if (failed)
		return cc_fail(&a->err, a->err.kind ? a->err.kind : CC_ERR_SYSTEM,
			       "%u of %zu host rules could not be refreshed (see above)", failed, r.count);
	return 0;
}

static int apply(struct admin *a)
{
	struct cc_forwarding_report forwarding;
	char host_line[HOST_NET_LINE];
	struct cc_nft_element *els;
	struct cc_err rebuild = {0};
	size_t n, cells = 0;
	int rc, rebuilt = 0;

	if (a->opt.argc > 0)
		return cc_fail(&a->err, CC_ERR_USAGE, "egress apply takes no chat: it rebuilds the tables of all running cells");
	/* A write transaction: no allowlist change commits meanwhile. */
	if (cc_registry_begin_write(&a->reg, &a->err) < 0)
		return -1;
	rc = cc_egress_collect(&a->reg, 0, a->now, &els, &n, &a->err);
	if (rc == 0) {
		free(els);
		rebuilt = cc_egress_rebuild(&a->reg, &a->config, a->now, &cells, &rebuild);
	}
	admin_end_rebuild(a);
	/* At boot, too, the host's part: its table and forwarding, also when
	 * a cell's table could not be rebuilt (the others were). */
	if (rc == 0)
		rc = host_net_apply(a, &forwarding, host_line, sizeof(host_line));
	if (rc == 0 && rebuilt < 0) {
		a->err = rebuild;
		cc_err_prefix(&a->err, "egress tables of %zu running cells and the host's table rebuilt, not all: ", cells);
		return -1;
	}
	if (rc == 0 && a->opt.json) {
		printf("{\"elements\":%zu,\"cells\":%zu,", n, cells);
		host_net_json(stdout, "host_network", "inet " CC_HOST_NFT_TABLE, &forwarding);
		fputs("}\n", stdout);
	} else if (rc == 0) {
		printf("egress tables of %zu running cells rebuilt (%zu elements in the registry)\n", cells, n);
		printf("%s\n", host_line);
	}
	return rc;
}

int cmd_egress(struct admin *a)
{
	struct egress_request r;
	const char *sub;

	if (a->opt.argc < 1)
		return cc_fail(&a->err, CC_ERR_USAGE, "egress needs a subcommand: allow, deny, list, refresh or apply");
	sub = a->opt.argv[0];
	a->opt.argv++, a->opt.argc--;
	if (strcmp(sub, "list") == 0)
		return list(a);
	if (strcmp(sub, "refresh") == 0)
		return refresh(a);
	if (strcmp(sub, "apply") == 0)
		return apply(a);
	if (strcmp(sub, "allow") != 0 && strcmp(sub, "deny") != 0)
		return cc_fail(&a->err, CC_ERR_USAGE, "unknown egress subcommand '%s' (allow, deny, list, refresh, apply)",
			       sub);
	if (read_request(a, &r, true) < 0)
		return -1;
	return change(a, &r, strcmp(sub, "allow") == 0 ? allow_locked : deny_locked);
}
