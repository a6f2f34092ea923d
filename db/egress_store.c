/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "db/egress_store.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static int step_done(struct cc_registry *reg, sqlite3_stmt *stmt, const char *doing, struct cc_err *err)
{
	int rc = sqlite3_step(stmt);

	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : cc_registry_fail(reg, rc, doing, err);
}

/* Bind family, addr, prefix, proto, ports at positions first..first+5. */
static void bind_rule(sqlite3_stmt *stmt, int first, const struct cc_egress_rule *rule)
{
	sqlite3_bind_int(stmt, first, rule->family);
	sqlite3_bind_blob(stmt, first + 1, rule->addr, addr_len(rule->family), SQLITE_STATIC);
	sqlite3_bind_int(stmt, first + 2, rule->prefix_len);
	sqlite3_bind_int(stmt, first + 3, rule->proto);
	sqlite3_bind_int(stmt, first + 4, rule->port_first);
	sqlite3_bind_int(stmt, first + 5, rule->port_last);
}

/* (chat, host, proto, port_first, port_last): the key of a host rule. */
static void bind_host(sqlite3_stmt *stmt, int64_t chat, const char *host, const struct cc_egress_rule *ports)
{
	sqlite3_bind_int64(stmt, 1, chat);
	sqlite3_bind_text(stmt, 2, host, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, ports->proto);
	sqlite3_bind_int(stmt, 4, ports->port_first);
	sqlite3_bind_int(stmt, 5, ports->port_last);
}

int cc_egress_add_rule(struct cc_registry *reg, int64_t chat, const struct cc_egress_rule *rule, int64_t host_id,
		       int64_t expires_at, struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg,
				"INSERT OR IGNORE INTO egress_rules (chat, family, addr, prefix_len, proto, port_first, "
				"port_last, host, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				&stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, chat);
	bind_rule(stmt, 2, rule);
	if (host_id)
		sqlite3_bind_int64(stmt, 8, host_id);
	if (expires_at)
		sqlite3_bind_int64(stmt, 9, expires_at);
	if (step_done(reg, stmt, "adding the egress rule", err) < 0)
		return -1;
	return sqlite3_changes(reg->db) > 0;
}

int cc_egress_remove_rule(struct cc_registry *reg, int64_t chat, const struct cc_egress_rule *rule,
			  struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg,
				"DELETE FROM egress_rules WHERE chat = ? AND family = ? AND addr = ? AND prefix_len = ? "
				"AND proto = ? AND port_first = ? AND port_last = ? AND host IS NULL",
				&stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, chat);
	bind_rule(stmt, 2, rule);
	if (step_done(reg, stmt, "removing the egress rule", err) < 0)
		return -1;
	return sqlite3_changes(reg->db);
}

int cc_egress_add_host(struct cc_registry *reg, int64_t chat, const char *host, const struct cc_egress_rule *ports,
		       int64_t *host_id, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	int added, rc;

	if (cc_registry_prepare(reg,
				"INSERT OR IGNORE INTO egress_hosts (chat, host, proto, port_first, port_last) "
				"VALUES (?, ?, ?, ?, ?)",
				&stmt, err) < 0)
		return -1;
	bind_host(stmt, chat, host, ports);
	if (step_done(reg, stmt, "adding the egress host rule", err) < 0)
		return -1;
	added = sqlite3_changes(reg->db) > 0;
	if (cc_registry_prepare(reg,
				"SELECT id FROM egress_hosts WHERE chat = ? AND host = ? AND proto = ? AND port_first = ? "
				"AND port_last = ?",
				&stmt, err) < 0)
		return -1;
	bind_host(stmt, chat, host, ports);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*host_id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? added : cc_registry_fail(reg, rc, "reading the egress host rule", err);
}

int cc_egress_remove_host(struct cc_registry *reg, int64_t chat, const char *host,
			  const struct cc_egress_rule *ports, struct cc_err *err)
{
	sqlite3_stmt *stmt;

	/* Its addresses go with it (ON DELETE CASCADE). */
	if (cc_registry_prepare(reg,
				"DELETE FROM egress_hosts WHERE chat = ? AND host = ? AND proto = ? AND port_first = ? "
				"AND port_last = ?",
				&stmt, err) < 0)
		return -1;
	bind_host(stmt, chat, host, ports);
	if (step_done(reg, stmt, "removing the egress host rule", err) < 0)
		return -1;
	return sqlite3_changes(reg->db);
}

int cc_egress_clear_host_addresses(struct cc_registry *reg, int64_t host_id, struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg, "DELETE FROM egress_rules WHERE host = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, host_id);
	return step_done(reg, stmt, "clearing resolved addresses", err);
}

/* (chat, pattern, any_port, proto, port_first, port_last): the key of a
 * domain rule; a rule for any port has proto and ports 0. */
static void bind_domain(sqlite3_stmt *stmt, int64_t chat, const struct cc_egress_domain *d)
{
	sqlite3_bind_int64(stmt, 1, chat);
	sqlite3_bind_text(stmt, 2, d->pattern, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, d->any_port);
	sqlite3_bind_int(stmt, 4, d->any_port ? 0 : d->ports.proto);
	sqlite3_bind_int(stmt, 5, d->any_port ? 0 : d->ports.port_first);
	sqlite3_bind_int(stmt, 6, d->any_port ? 0 : d->ports.port_last);
}

int cc_egress_add_domain(struct cc_registry *reg, int64_t chat, const struct cc_egress_domain *domain,
			 struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg,
				"INSERT OR IGNORE INTO egress_domains (chat, pattern, any_port, proto, port_first, "
				"port_last, private_ok) VALUES (?, ?, ?, ?, ?, ?, ?)",
				&stmt, err) < 0)
		return -1;
	bind_domain(stmt, chat, domain);
	sqlite3_bind_int(stmt, 7, domain->private_ok);
	if (step_done(reg, stmt, "adding the egress domain rule", err) < 0)
		return -1;
	if (sqlite3_changes(reg->db) > 0)
		return 1;
	/* The same rule: it takes this one's --private. */
	if (cc_registry_prepare(reg,
				"UPDATE egress_domains SET private_ok = ?7 WHERE chat = ?1 AND pattern = ?2 AND any_port = ?3 "
				"AND proto = ?4 AND port_first = ?5 AND port_last = ?6",
				&stmt, err) < 0)
		return -1;
	bind_domain(stmt, chat, domain);
	sqlite3_bind_int(stmt, 7, domain->private_ok);
	return step_done(reg, stmt, "updating the egress domain rule", err);
}

int cc_egress_remove_domain(struct cc_registry *reg, int64_t chat, const struct cc_egress_domain *domain,
			    struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg,
				"DELETE FROM egress_domains WHERE chat = ? AND pattern = ? AND any_port = ? AND proto = ? "
				"AND port_first = ? AND port_last = ?",
				&stmt, err) < 0)
		return -1;
	bind_domain(stmt, chat, domain);
	if (step_done(reg, stmt, "removing the egress domain rule", err) < 0)
		return -1;
	return sqlite3_changes(reg->db);
}

int cc_egress_remove_chat(struct cc_registry *reg, int64_t chat, struct cc_err *err)
{
	sqlite3_stmt *stmt;

	if (cc_registry_prepare(reg, "DELETE FROM egress_domains WHERE chat = ?", &stmt, err) < 0 ||
	    (sqlite3_bind_int64(stmt, 1, chat), step_done(reg, stmt, "removing egress domain rules", err)) < 0)
		return -1;
	if (cc_registry_prepare(reg, "DELETE FROM egress_hosts WHERE chat = ?", &stmt, err) < 0 ||
	    (sqlite3_bind_int64(stmt, 1, chat), step_done(reg, stmt, "removing egress host rules", err)) < 0)
		return -1;
	if (cc_registry_prepare(reg, "DELETE FROM egress_rules WHERE chat = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, chat);
	return step_done(reg, stmt, "removing egress rules", err);
}

/* The walk over one chat's rows (chat > 0, bound as the parameter) or
 * every live chat's. */
static int prepare_walk(struct cc_registry *reg, int64_t chat, const char *one_chat, const char *all_chats,
			sqlite3_stmt **stmt, struct cc_err *err)
{
	if (cc_registry_prepare(reg, chat > 0 ? one_chat : all_chats, stmt, err) < 0)
		return -1;
	if (chat > 0)
		sqlite3_bind_int64(*stmt, 1, chat);
	return 0;
}

int cc_egress_each(struct cc_registry *reg, int64_t chat, cc_egress_visitor visit, void *ctx, struct cc_err *err)
{
#define RULE_COLUMNS                                                                                        \
	"SELECT r.id, r.chat, c.uid, r.family, r.addr, r.prefix_len, r.proto, r.port_first, r.port_last, h.host, " \
	"r.expires_at FROM egress_rules r JOIN chats c ON c.id = r.chat LEFT JOIN egress_hosts h ON h.id = r.host "
	sqlite3_stmt *stmt;
	int rc, result = 0;

	if (prepare_walk(reg, chat, RULE_COLUMNS "WHERE r.chat = ? ORDER BY r.id",
			 RULE_COLUMNS "WHERE c.state != 'deleted' ORDER BY r.id", &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct cc_egress_entry e;
		const void *addr = sqlite3_column_blob(stmt, 4);
		const unsigned char *host = sqlite3_column_text(stmt, 9);

		memset(&e, 0, sizeof(e));
		e.id = sqlite3_column_int64(stmt, 0);
		e.chat = sqlite3_column_int64(stmt, 1);
		e.uid = (uint32_t)sqlite3_column_int64(stmt, 2);
		e.rule.family = sqlite3_column_int(stmt, 3);
		if (!addr || sqlite3_column_bytes(stmt, 4) != addr_len(e.rule.family)) {
			result = cc_fail(err, CC_ERR_SYSTEM, "the registry %s has a malformed egress rule; restore it from "
							     "backup", reg->path);
			break;
		}
		memcpy(e.rule.addr, addr, (size_t)addr_len(e.rule.family));
		e.rule.prefix_len = (uint8_t)sqlite3_column_int(stmt, 5);
		e.rule.proto = (uint8_t)sqlite3_column_int(stmt, 6);
		e.rule.port_first = (uint16_t)sqlite3_column_int(stmt, 7);
		e.rule.port_last = (uint16_t)sqlite3_column_int(stmt, 8);
		if (host)
			snprintf(e.host, sizeof(e.host), "%s", host);
		e.expires_at = sqlite3_column_int64(stmt, 10);
		if (visit(&e, ctx) < 0) {
			result = -1;
			break;
		}
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = cc_registry_fail(reg, rc, "reading egress rules", err);
	sqlite3_finalize(stmt);
	return result;
}

int cc_egress_each_host(struct cc_registry *reg, int64_t chat, cc_egress_host_visitor visit, void *ctx,
			struct cc_err *err)
{
#define HOST_COLUMNS "SELECT h.id, h.chat, h.host, h.proto, h.port_first, h.port_last FROM egress_hosts h "
	sqlite3_stmt *stmt;
	int rc, result = 0;

	if (prepare_walk(reg, chat, HOST_COLUMNS "WHERE h.chat = ? ORDER BY h.id",
			 HOST_COLUMNS "JOIN chats c ON c.id = h.chat WHERE c.state != 'deleted' ORDER BY h.id", &stmt,
			 err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct cc_egress_host h;

		memset(&h, 0, sizeof(h));
		h.id = sqlite3_column_int64(stmt, 0);
		h.chat = sqlite3_column_int64(stmt, 1);
		snprintf(h.host, sizeof(h.host), "%s", (const char *)sqlite3_column_text(stmt, 2));
		h.ports.proto = (uint8_t)sqlite3_column_int(stmt, 3);
		h.ports.port_first = (uint16_t)sqlite3_column_int(stmt, 4);
		h.ports.port_last = (uint16_t)sqlite3_column_int(stmt, 5);
		if (visit(&h, ctx) < 0) {
			result = -1;
			break;
		}
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = cc_registry_fail(reg, rc, "reading egress host rules", err);
	sqlite3_finalize(stmt);
	return result;
}

int cc_egress_each_domain(struct cc_registry *reg, int64_t chat, cc_egress_domain_visitor visit, void *ctx,
			  struct cc_err *err)
{
#define DOMAIN_COLUMNS                                                                                       \
	"SELECT d.id, d.chat, c.uid, d.pattern, d.any_port, d.proto, d.port_first, d.port_last, d.private_ok " \
	"FROM egress_domains d JOIN chats c ON c.id = d.chat "
	sqlite3_stmt *stmt;
	int rc, result = 0;

	if (prepare_walk(reg, chat, DOMAIN_COLUMNS "WHERE d.chat = ? ORDER BY d.id",
			 DOMAIN_COLUMNS "WHERE c.state != 'deleted' ORDER BY d.id", &stmt, err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct cc_egress_domain d;
		const unsigned char *pattern = sqlite3_column_text(stmt, 3);

		memset(&d, 0, sizeof(d));
		d.id = sqlite3_column_int64(stmt, 0);
		d.chat = sqlite3_column_int64(stmt, 1);
		d.uid = (uint32_t)sqlite3_column_int64(stmt, 2);
		if (!pattern || (size_t)sqlite3_column_bytes(stmt, 3) >= sizeof(d.pattern)) {
			result = cc_fail(err, CC_ERR_SYSTEM, "the registry %s has a malformed egress domain rule; restore "
							     "it from backup", reg->path);
			break;
		}
		memcpy(d.pattern, pattern, (size_t)sqlite3_column_bytes(stmt, 3));
		d.any_port = sqlite3_column_int(stmt, 4) != 0;
		d.ports.proto = (uint8_t)sqlite3_column_int(stmt, 5);
		d.ports.port_first = (uint16_t)sqlite3_column_int(stmt, 6);
		d.ports.port_last = (uint16_t)sqlite3_column_int(stmt, 7);
		d.private_ok = sqlite3_column_int(stmt, 8) != 0;
		if (visit(&d, ctx) < 0) {
			result = -1;
			break;
		}
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = cc_registry_fail(reg, rc, "reading egress domain rules", err);
	sqlite3_finalize(stmt);
	return result;
}
