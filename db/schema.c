/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Registry schema and its migrations. PRAGMA user_version is the number of
 * migrations applied; each migration runs in the same transaction as the
 * version bump, so a crash leaves either the old or the new schema. */
#include <stdio.h>

#include "db/registry.h"

static const char *const migrations[] = {
	/* 1: chats, settings and the audit trail. */
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE chats ("
	"  id INTEGER PRIMARY KEY,"
	"  chat_id BLOB NOT NULL,"
	"  name TEXT NOT NULL,"
	"  uid INTEGER NOT NULL UNIQUE,"
	"  state TEXT NOT NULL CHECK (state IN ('active', 'suspended', 'deleted')),"
	"  created_at INTEGER NOT NULL,"
	"  last_login_at INTEGER,"
	"  last_logout_at INTEGER,"
	"  deleted_at INTEGER,"
	"  memory_max INTEGER,"
	"  pids_max INTEGER,"
	"  cpu_max_percent INTEGER,"
	"  pending TEXT CHECK (pending IN ('create', 'delete', 'suspend')),"
	"  pending_arg TEXT"
	");"
	/* A chat ID and a name belong to at most one live chat; deleted rows keep
	 * their UID (quarantine) until they are purged. */
	"CREATE UNIQUE INDEX chats_live_chat_id ON chats(chat_id) WHERE state != 'deleted';"
	"CREATE UNIQUE INDEX chats_live_name ON chats(name) WHERE state != 'deleted';"
	"CREATE INDEX chats_pending ON chats(pending) WHERE pending IS NOT NULL;"
	"CREATE INDEX chats_deleted_at ON chats(deleted_at) WHERE state = 'deleted';"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  chat INTEGER,"
	"  name TEXT,"
	"  uid INTEGER,"
	"  detail TEXT"
	");"
	"CREATE INDEX events_chat ON events(chat);",
	/* 2: egress allowlists. An address rule is one kernel element; a host
	 * rule is a name that `egress refresh` re-resolves, its addresses being
	 * address rules that expire with their DNS TTL. */
	"CREATE TABLE egress_hosts ("
	"  id INTEGER PRIMARY KEY,"
	"  chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	"  host TEXT NOT NULL,"
	"  proto INTEGER NOT NULL,"
	"  port_first INTEGER NOT NULL,"
	"  port_last INTEGER NOT NULL,"
	"  UNIQUE (chat, host, proto, port_first, port_last)"
	");"
	"CREATE TABLE egress_rules ("
	"  id INTEGER PRIMARY KEY,"
	"  chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	"  family INTEGER NOT NULL CHECK (family IN (2, 10)),"
	"  addr BLOB NOT NULL,"
	"  prefix_len INTEGER NOT NULL,"
	"  proto INTEGER NOT NULL CHECK (proto IN (6, 17)),"
	"  port_first INTEGER NOT NULL CHECK (port_first BETWEEN 1 AND 65535),"
	"  port_last INTEGER NOT NULL CHECK (port_last BETWEEN port_first AND 65535),"
	"  host INTEGER REFERENCES egress_hosts(id) ON DELETE CASCADE,"
	"  expires_at INTEGER,"
	"  UNIQUE (chat, family, addr, prefix_len, proto, port_first, port_last)"
	");"
	"CREATE INDEX egress_rules_chat ON egress_rules(chat);",
	/* 3: per-chat disk budgets (user quotas); NULL: chatcell.conf's. */
	"ALTER TABLE chats ADD COLUMN disk_max INTEGER;"
	"ALTER TABLE chats ADD COLUMN inodes_max INTEGER;",
	/* 4: per-chat I/O limits: the weight, and the io_max text (NULL:
	 * chatcell.conf's). */
	"ALTER TABLE chats ADD COLUMN io_weight INTEGER;"
	"ALTER TABLE chats ADD COLUMN io_max TEXT;",
	/* 5: --domain rules: name patterns the DNS gate answers for the chat,
	 * and the ports their answers' addresses are opened for (any_port: every
	 * TCP and UDP port but 53 and 853; proto and ports 0 then). */
	"CREATE TABLE egress_domains ("
	"  id INTEGER PRIMARY KEY,"
	"  chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	"  pattern TEXT NOT NULL,"
	"  any_port INTEGER NOT NULL CHECK (any_port IN (0, 1)),"
	"  proto INTEGER NOT NULL CHECK (proto IN (0, 6, 17)),"
	"  port_first INTEGER NOT NULL CHECK (port_first BETWEEN 0 AND 65535),"
	"  port_last INTEGER NOT NULL CHECK (port_last BETWEEN port_first AND 65535),"
	"  private_ok INTEGER NOT NULL CHECK (private_ok IN (0, 1)),"
	"  UNIQUE (chat, pattern, any_port, proto, port_first, port_last)"
	");",
	/* 6: each table's CHECK constraints moved from its columns to the
	 * table, unchanged. SQLite parses every table of the schema at each
	 * connection, and a CHECK on a column costs it twice one on the table:
	 * 0.14 ms of every chatcell-admin start (measured, schema alone). Rows
	 * are stored the same, so the definitions are rewritten in place, as
	 * SQLite documents for constraint changes (lang_altertable.html,
	 * "Making Other Kinds Of Table Schema Changes"). Only a definition
	 * exactly as migrations 1 to 5 left it is rewritten; any other keeps
	 * its own. */
	"PRAGMA writable_schema = ON;"
	"UPDATE sqlite_master SET sql = '"
	"CREATE TABLE chats (  id INTEGER PRIMARY KEY,  chat_id BLOB NOT NULL,"
	"  name TEXT NOT NULL,  uid INTEGER NOT NULL UNIQUE,  state TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,  last_login_at INTEGER,  last_logout_at INTEGER,"
	"  deleted_at INTEGER,  memory_max INTEGER,  pids_max INTEGER,  cpu_max_percent INTEGER,"
	"  pending TEXT,  pending_arg TEXT, disk_max INTEGER, inodes_max INTEGER,"
	" io_weight INTEGER, io_max TEXT, CHECK (state IN (''active'', ''suspended'',"
	" ''deleted'')), CHECK (pending IN (''create'', ''delete'', ''suspend'')))"
	"' WHERE type = 'table' AND name = 'chats' AND sql = '"
	"CREATE TABLE chats (  id INTEGER PRIMARY KEY,  chat_id BLOB NOT NULL,"
	"  name TEXT NOT NULL,  uid INTEGER NOT NULL UNIQUE,"
	"  state TEXT NOT NULL CHECK (state IN (''active'', ''suspended'', ''deleted'')),"
	"  created_at INTEGER NOT NULL,  last_login_at INTEGER,  last_logout_at INTEGER,"
	"  deleted_at INTEGER,  memory_max INTEGER,  pids_max INTEGER,  cpu_max_percent INTEGER,"
	"  pending TEXT CHECK (pending IN (''create'', ''delete'', ''suspend'')),"
	"  pending_arg TEXT, disk_max INTEGER, inodes_max INTEGER, io_weight INTEGER,"
	" io_max TEXT)"
	"';"
	"UPDATE sqlite_master SET sql = '"
	"CREATE TABLE egress_rules (  id INTEGER PRIMARY KEY,"
	"  chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	"  family INTEGER NOT NULL,  addr BLOB NOT NULL,  prefix_len INTEGER NOT NULL,"
	"  proto INTEGER NOT NULL,  port_first INTEGER NOT NULL,  port_last INTEGER NOT NULL,"
	"  host INTEGER REFERENCES egress_hosts(id) ON DELETE CASCADE,  expires_at INTEGER,"
	"  UNIQUE (chat, family, addr, prefix_len, proto, port_first, port_last),"
	" CHECK (family IN (2, 10)), CHECK (proto IN (6, 17)),"
	" CHECK (port_first BETWEEN 1 AND 65535), CHECK (port_last BETWEEN port_first AND 65535))"
	"' WHERE type = 'table' AND name = 'egress_rules' AND sql = '"
	"CREATE TABLE egress_rules (  id INTEGER PRIMARY KEY,"
	"  chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,"
	"  family INTEGER NOT NULL CHECK (family IN (2, 10)),  addr BLOB NOT NULL,"
	"  prefix_len INTEGER NOT NULL,  proto INTEGER NOT NULL CHECK (proto IN (6, 17)),"
	"  port_first INTEGER NOT NULL CHECK (port_first BETWEEN 1 AND 65535),"
	"  port_last INTEGER NOT NULL CHECK (port_last BETWEEN port_first AND 65535),"
	"  host INTEGER REFERENCES egress_hosts(id) ON DELETE CASCADE,  expires_at INTEGER,"
	"  UNIQUE (chat, family, addr, prefix_len, proto, port_first, port_last))"
	"';"
	"UPDATE sqlite_master SET sql = '"
	"CREATE TABLE egress_domains (  id INTEGER PRIMARY KEY,"
	"  chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,  pattern TEXT NOT NULL,"
	"  any_port INTEGER NOT NULL,  proto INTEGER NOT NULL,  port_first INTEGER NOT NULL,"
	"  port_last INTEGER NOT NULL,  private_ok INTEGER NOT NULL,  UNIQUE (chat, pattern,"
	" any_port, proto, port_first, port_last), CHECK (any_port IN (0, 1)),"
	" CHECK (proto IN (0, 6, 17)), CHECK (port_first BETWEEN 0 AND 65535),"
	" CHECK (port_last BETWEEN port_first AND 65535), CHECK (private_ok IN (0, 1)))"
	"' WHERE type = 'table' AND name = 'egress_domains' AND sql = '"
	"CREATE TABLE egress_domains (  id INTEGER PRIMARY KEY,"
	"  chat INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,  pattern TEXT NOT NULL,"
	"  any_port INTEGER NOT NULL CHECK (any_port IN (0, 1)),"
	"  proto INTEGER NOT NULL CHECK (proto IN (0, 6, 17)),"
	"  port_first INTEGER NOT NULL CHECK (port_first BETWEEN 0 AND 65535),"
	"  port_last INTEGER NOT NULL CHECK (port_last BETWEEN port_first AND 65535),"
	"  private_ok INTEGER NOT NULL CHECK (private_ok IN (0, 1)),  UNIQUE (chat, pattern,"
	" any_port, proto, port_first, port_last))"
	"';"
	"PRAGMA writable_schema = OFF;",
};

#define MIGRATION_COUNT ((int)(sizeof(migrations) / sizeof(migrations[0])))

int cc_registry_schema_version(void)
{
	return MIGRATION_COUNT;
}

int cc_registry_version(struct cc_registry *reg, int *version, struct cc_err *err)
{
	int64_t value = 0;

	if (cc_registry_query_int(reg, "PRAGMA user_version", &value, "reading the registry version", err) < 0)
		return -1;
	*version = (int)value;
	return 0;
}

static int newer_schema(const struct cc_registry *reg, int version, struct cc_err *err)
{
	return cc_fail(err, CC_ERR_CONFIG,
		       "the registry %s has schema version %d but this chatcell understands up to %d; "
		       "install the newer chatcell that wrote it",
		       reg->path, version, MIGRATION_COUNT);
}

/* The migrations after `version`, in the caller's transaction. A rewrite
 * of a definition in the schema table (migration 6) changes no schema
 * cookie, so every connection, this one too, would keep the definitions it
 * parsed (and a later ALTER TABLE would work from them): the cookie goes
 * up, as SQLite's procedure for such rewrites says. */
static int apply(struct cc_registry *reg, int version, struct cc_err *err)
{
	char bump[64];
	int64_t cookie = 0;
	int rc = SQLITE_OK;

	for (; rc == SQLITE_OK && version < MIGRATION_COUNT; version++)
		rc = sqlite3_exec(reg->db, migrations[version], NULL, NULL, NULL);
	if (rc == SQLITE_OK &&
	    cc_registry_query_int(reg, "PRAGMA schema_version", &cookie, "migrating the registry schema", err) < 0)
		return -1;
	if (rc == SQLITE_OK) {
		snprintf(bump, sizeof(bump), "PRAGMA schema_version = %lld", (long long)cookie + 1);
		rc = sqlite3_exec(reg->db, bump, NULL, NULL, NULL);
	}
	if (rc == SQLITE_OK) {
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", MIGRATION_COUNT);
		rc = sqlite3_exec(reg->db, bump, NULL, NULL, NULL);
	}
	return rc == SQLITE_OK ? 0 : cc_registry_fail(reg, rc, "migrating the registry schema", err);
}

int cc_registry_migrate(struct cc_registry *reg, struct cc_err *err)
{
	int version = 0, rc, defensive = 0;

	if (cc_registry_version(reg, &version, err) < 0)
		return -1;
	if (version == MIGRATION_COUNT)
		return 0;
	if (version > MIGRATION_COUNT)
		return newer_schema(reg, version, err);
	if (cc_registry_begin_write(reg, err) < 0)
		return -1;
	/* Re-read under the write lock: another process may have migrated,
	 * maybe a newer chatcell, further than this one knows. */
	if (cc_registry_version(reg, &version, err) < 0)
		goto fail;
	if (version > MIGRATION_COUNT) {
		newer_schema(reg, version, err);
		goto fail;
	}
	if (version == MIGRATION_COUNT) { /* it did */
		cc_registry_rollback(reg);
		return 0;
	}
	/* Migration 6 writes the schema table and its cookie, which a SQLite
	 * in defensive mode refuses; only chatcell's own SQL runs here. */
	sqlite3_db_config(reg->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &defensive);
	sqlite3_db_config(reg->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
	rc = apply(reg, version, err);
	sqlite3_db_config(reg->db, SQLITE_DBCONFIG_DEFENSIVE, defensive, NULL);
	if (rc < 0)
		goto fail;
	return cc_registry_commit(reg, err);
fail:
	cc_registry_rollback(reg);
	return -1;
}
