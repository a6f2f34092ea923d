/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The registry on a real sqlite file: schema and migrations, file safety
 * checks, damaged files, and the chat rows' rules. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmocka_all.h"

#include "db/egress_store.h"
#include "db/events.h"
#include "registry_fixture.h"
#include "db/settings.h"

static int setup(void **state)
{
	static struct registry_fixture f;

	if (geteuid() != 0)
		return 0; /* every test skips */
	*state = &f;
	return registry_fixture_setup(&f);
}

static int teardown(void **state)
{
	if (*state)
		registry_fixture_teardown(*state);
	return 0;
}

#define FIXTURE()                                                                                              \
	struct registry_fixture *f = *state;                                                                   \
	if (!f)                                                                                                \
		skip();

static int user_version(struct cc_registry *reg)
{
	sqlite3_stmt *stmt;
	int v = -1;

	sqlite3_prepare_v2(reg->db, "PRAGMA user_version", -1, &stmt, NULL);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static void creates_current_schema_root_only(void **state)
{
	struct stat st;
	FIXTURE();

	assert_int_equal(user_version(&f->reg), cc_registry_schema_version());
	assert_int_equal(fstatat(f->dir_fd, CC_REGISTRY_FILE, &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, 0);
}

static void reopen_requires_init_when_missing(void **state)
{
	struct cc_registry reg;
	struct cc_err err;
	char expected[256];
	int empty_fd;
	char empty[64] = "/tmp/chatcell-empty-XXXXXX";
	FIXTURE();

	assert_non_null(mkdtemp(empty));
	empty_fd = open(empty, O_RDONLY | O_DIRECTORY);
	assert_int_equal(cc_registry_open(&reg, empty_fd, empty, false, &err), -1);
	snprintf(expected, sizeof(expected), "%s/registry.db does not exist; run 'chatcell-admin init' first", empty);
	assert_string_equal(err.msg, expected);
	assert_int_equal(err.kind, CC_ERR_CONFIG);
	close(empty_fd);
	rmdir(empty);
}

static void refuses_newer_schema(void **state)
{
	struct cc_registry reg;
	struct cc_err err;
	char expected[512];
	FIXTURE();

	assert_int_equal(sqlite3_exec(f->reg.db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(cc_registry_open(&reg, f->dir_fd, f->dir, false, &err), -1);
	snprintf(expected, sizeof(expected),
		 "the registry %s/registry.db has schema version 99 but this chatcell understands up to %d; install "
		 "the newer chatcell that wrote it",
		 f->dir, cc_registry_schema_version());
	assert_string_equal(err.msg, expected);
	snprintf(expected, sizeof(expected), "PRAGMA user_version = %d", cc_registry_schema_version());
	assert_int_equal(sqlite3_exec(f->reg.db, expected, NULL, NULL, NULL), SQLITE_OK);
}

static void refuses_unsafe_file_modes_and_owners(void **state)
{
	struct cc_registry reg;
	struct cc_err err;
	char expected[512];
	FIXTURE();

	assert_int_equal(fchmodat(f->dir_fd, CC_REGISTRY_FILE, 0640, 0), 0);
	assert_int_equal(cc_registry_open(&reg, f->dir_fd, f->dir, false, &err), -1);
	snprintf(expected, sizeof(expected),
		 "%s/registry.db has mode 0640; it holds chat IDs and must be 0600 (chmod 600 %s/registry.db)", f->dir,
		 f->dir);
	assert_string_equal(err.msg, expected);
	assert_int_equal(err.kind, CC_ERR_PERMISSION);
	assert_int_equal(fchmodat(f->dir_fd, CC_REGISTRY_FILE, 0600, 0), 0);

	assert_int_equal(fchownat(f->dir_fd, CC_REGISTRY_FILE, 65534, 0, 0), 0);
	assert_int_equal(cc_registry_open(&reg, f->dir_fd, f->dir, false, &err), -1);
	snprintf(expected, sizeof(expected),
		 "%s/registry.db is owned by uid 65534, not root; someone else could have written it. Check it, then "
		 "chown root:root it",
		 f->dir);
	assert_string_equal(err.msg, expected);
	assert_int_equal(fchownat(f->dir_fd, CC_REGISTRY_FILE, 0, 0, 0), 0);
	assert_int_equal(cc_registry_open(&reg, f->dir_fd, f->dir, false, &err), 0);
	cc_registry_close(&reg);
}

static void refuses_a_link_in_place_of_the_file(void **state)
{
	struct cc_registry reg;
	struct cc_err err;
	char expected[512];
	FIXTURE();

	assert_int_equal(renameat(f->dir_fd, CC_REGISTRY_FILE, f->dir_fd, "real.db"), 0);
	assert_int_equal(symlinkat("real.db", f->dir_fd, CC_REGISTRY_FILE), 0);
	assert_int_equal(cc_registry_open(&reg, f->dir_fd, f->dir, false, &err), -1);
	snprintf(expected, sizeof(expected), "%s/registry.db is not a regular file (a link?); chatcell refuses it",
		 f->dir);
	assert_string_equal(err.msg, expected);
	assert_int_equal(unlinkat(f->dir_fd, CC_REGISTRY_FILE, 0), 0);
	assert_int_equal(renameat(f->dir_fd, "real.db", f->dir_fd, CC_REGISTRY_FILE), 0);
}

static void damaged_file_is_reported_not_used(void **state)
{
	char dir[64] = "/tmp/chatcell-damaged-XXXXXX";
	struct cc_registry reg;
	struct cc_err err;
	char expected[512];
	int dir_fd, fd;
	FIXTURE();

	assert_non_null(mkdtemp(dir));
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY);
	fd = openat(dir_fd, CC_REGISTRY_FILE, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, "this is not an sqlite database, just text of some length..........", 66), 66);
	close(fd);
	assert_int_equal(cc_registry_open(&reg, dir_fd, dir, false, &err), -1);
	snprintf(expected, sizeof(expected),
		 "opening the registry: the registry %s/registry.db is damaged (file is not a database); restore it "
		 "from backup (nothing was changed)",
		 dir);
	assert_string_equal(err.msg, expected);
	unlinkat(dir_fd, CC_REGISTRY_FILE, 0);
	close(dir_fd);
	rmdir(dir);
}

static void live_names_and_chat_ids_are_unique(void **state)
{
	struct cc_chat a, b, found;
	struct cc_err err;
	FIXTURE();

	registry_fixture_chat(&a, "chat A", "chat-aaaaaaaaaaaa", 70000);
	assert_int_equal(cc_chats_insert(&f->reg, &a, &err), 0);
	registry_fixture_chat(&b, "chat B", "chat-aaaaaaaaaaaa", 70001);
	assert_int_equal(cc_chats_insert(&f->reg, &b, &err), -1);
	registry_fixture_chat(&b, "chat A", "chat-bbbbbbbbbbbb", 70001);
	assert_int_equal(cc_chats_insert(&f->reg, &b, &err), -1);
	registry_fixture_chat(&b, "chat B", "chat-bbbbbbbbbbbb", 70000);
	assert_int_equal(cc_chats_insert(&f->reg, &b, &err), -1); /* UID taken */

	/* Once A is deleted its name and chat ID are free; its UID is not. */
	a.state = CC_STATE_DELETED;
	a.deleted_at = 1700000100;
	assert_int_equal(cc_chats_update(&f->reg, &a, &err), 0);
	registry_fixture_chat(&b, "chat A", "chat-aaaaaaaaaaaa", 70002);
	assert_int_equal(cc_chats_insert(&f->reg, &b, &err), 0);
	assert_int_equal(cc_chats_find_live_by_chat_id(&f->reg, "chat A", 6, &found, &err), 1);
	assert_int_equal(found.uid, 70002);
	assert_int_equal(cc_chats_find_by_uid(&f->reg, 70000, &found, &err), 1);
	assert_int_equal(found.state, CC_STATE_DELETED);
	assert_int_equal(cc_chats_find_live_by_name(&f->reg, "chat-zzzzzzzzzzzz", &found, &err), 0);
}

/* Every chatcell-admin command asks whether any chat exists (the host key
 * guard); a quarantined row counts, as it is named with the key too. */
static void any_chat_counts_quarantined_rows(void **state)
{
	struct cc_chat a;
	struct cc_err err;
	int64_t count = -1;
	bool any = true;
	FIXTURE();

	assert_int_equal(cc_chats_any(&f->reg, &any, &err), 0);
	assert_false(any);
	registry_fixture_chat(&a, "any chat", "chat-a0a0a0a0a0a0", 70090);
	assert_int_equal(cc_chats_insert(&f->reg, &a, &err), 0);
	assert_int_equal(cc_chats_any(&f->reg, &any, &err), 0);
	assert_true(any);
	a.state = CC_STATE_DELETED;
	a.deleted_at = 1700000100;
	assert_int_equal(cc_chats_update(&f->reg, &a, &err), 0);
	any = false;
	assert_int_equal(cc_chats_any(&f->reg, &any, &err), 0);
	assert_true(any);
	assert_int_equal(cc_chats_count(&f->reg, &count, &err), 0);
	assert_int_equal(count, 1);
}

static void rows_round_trip_every_field(void **state)
{
	struct cc_chat c, found;
	struct cc_err err;
	const char id[] = "bytes \xe2\x98\x83 and spaces";
	FIXTURE();

	registry_fixture_chat(&c, id, "chat-cccccccccccc", 70010);
	c.memory_max = 512ll << 20;
	c.io_weight = 300;
	c.io_max_set = true;
	assert_int_equal(cc_io_max_parse("wbps=2M riops=100", &c.io_max), 0);
	c.pending = CC_PENDING_DELETE;
	snprintf(c.pending_arg, sizeof(c.pending_arg), "/srv/archive");
	assert_int_equal(cc_chats_insert(&f->reg, &c, &err), 0);
	assert_int_equal(cc_chats_fold_logins(&f->reg, 70010, 1700000500, 0, &err), 0);
	assert_int_equal(cc_chats_find_by_id(&f->reg, c.id, &found, &err), 1);
	assert_int_equal(found.chat_id_len, strlen(id));
	assert_memory_equal(found.chat_id, id, strlen(id));
	assert_string_equal(found.name, "chat-cccccccccccc");
	assert_int_equal(found.memory_max, 512ll << 20);
	assert_int_equal(found.pids_max, CC_LIMIT_DEFAULT);
	assert_int_equal(found.io_weight, 300);
	assert_true(found.io_max_set);
	assert_memory_equal(&found.io_max, &c.io_max, sizeof(c.io_max));
	assert_int_equal(found.pending, CC_PENDING_DELETE);
	assert_string_equal(found.pending_arg, "/srv/archive");
	assert_int_equal(found.last_login_at, 1700000500);
	assert_int_equal(found.last_logout_at, 0);

	/* Back to the defaults: both columns NULL again. */
	found.io_weight = CC_LIMIT_DEFAULT;
	found.io_max_set = false;
	assert_int_equal(cc_chats_update(&f->reg, &found, &err), 0);
	assert_int_equal(cc_chats_find_by_id(&f->reg, c.id, &found, &err), 1);
	assert_int_equal(found.io_weight, CC_LIMIT_DEFAULT);
	assert_false(found.io_max_set);
	assert_true(cc_io_max_is_none(&found.io_max));
}

/* Login times noted in a cell record and in the registry are merged: the
 * later of each wins, whatever order they are folded in. */
static void folded_logins_keep_the_latest(void **state)
{
	struct cc_chat c, found;
	struct cc_err err;
	FIXTURE();

	registry_fixture_chat(&c, "fold", "chat-ffffffffffff", 70030);
	assert_int_equal(cc_chats_insert(&f->reg, &c, &err), 0);
	assert_int_equal(cc_chats_fold_logins(&f->reg, 70030, 0, 0, &err), 0);
	assert_int_equal(cc_chats_find_by_uid(&f->reg, 70030, &found, &err), 1);
	assert_int_equal(found.last_login_at, 0);
	assert_int_equal(found.last_logout_at, 0);
	assert_int_equal(cc_chats_fold_logins(&f->reg, 70030, 1700000900, 1700000950, &err), 0);
	assert_int_equal(cc_chats_fold_logins(&f->reg, 70030, 1700000500, 0, &err), 0);
	assert_int_equal(cc_chats_fold_logins(&f->reg, 70030, 0, 1700000600, &err), 0);
	assert_int_equal(cc_chats_find_by_uid(&f->reg, 70030, &found, &err), 1);
	assert_int_equal(found.last_login_at, 1700000900);
	assert_int_equal(found.last_logout_at, 1700000950);
	assert_int_equal(cc_chats_fold_logins(&f->reg, 70030, 1700001000, 0, &err), 0);
	assert_int_equal(cc_chats_find_by_uid(&f->reg, 70030, &found, &err), 1);
	assert_int_equal(found.last_login_at, 1700001000);
	assert_int_equal(found.last_logout_at, 1700000950);
}

/* Login bookkeeping on a session connection never waits for a busy write
 * lock: it returns 0 at once, records nothing, and the connection still
 * reads. */
static void session_bookkeeping_never_waits(void **state)
{
	struct cc_registry session;
	struct cc_chat c, found;
	struct cc_err err;
	struct timespec t0, t1;
	FIXTURE();

	registry_fixture_chat(&c, "busy chat", "chat-dddddddddddd", 70015);
	assert_int_equal(cc_chats_insert(&f->reg, &c, &err), 0);
	assert_int_equal(cc_registry_open_session(&session, f->dir_fd, f->dir, &err), 0);
	assert_int_equal(cc_registry_begin_write(&f->reg, &err), 0); /* another writer holds the lock */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(cc_chats_fold_logins(&session, 70015, 1700000600, 0, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 500);
	assert_int_equal(cc_chats_find_by_uid(&session, 70015, &found, &err), 1);
	assert_int_equal(found.last_login_at, 0);
	cc_registry_rollback(&f->reg);
	assert_int_equal(cc_chats_fold_logins(&session, 70015, 0, 1700000700, &err), 0);
	assert_int_equal(cc_chats_find_by_uid(&f->reg, 70015, &found, &err), 1);
	assert_int_equal(found.last_logout_at, 1700000700);
	cc_registry_close(&session);
}

static int count_events(const struct cc_event *e, void *ctx)
{
	int *n = ctx;

	assert_string_equal(e->actor, "test");
	(*n)++;
	return 0;
}

static void events_are_kept_per_chat(void **state)
{
	struct cc_chat c;
	struct cc_err err;
	int n = 0;
	FIXTURE();

	registry_fixture_chat(&c, "chat E", "chat-eeeeeeeeeeee", 70020);
	assert_int_equal(cc_chats_insert(&f->reg, &c, &err), 0);
	assert_int_equal(cc_events_add(&f->reg, 1, "test", "create", &c, NULL, &err), 0);
	assert_int_equal(cc_events_add(&f->reg, 2, "test", "suspend", &c, "why", &err), 0);
	assert_int_equal(cc_events_each_for_chat(&f->reg, c.id, count_events, &n, &err), 0);
	assert_int_equal(n, 2);
}

/* A purged chat's id comes back to the next chat (SQLite reuses the
 * highest rowid): its audit trail must not become the new chat's. */
static void purged_chats_leave_their_events_detached(void **state)
{
	struct cc_chat p, q;
	struct cc_err err;
	sqlite3_stmt *stmt;
	int n = 0;
	FIXTURE();

	registry_fixture_chat(&p, "chat P", "chat-a1a1a1a1a1a1", 70100);
	assert_int_equal(cc_chats_insert(&f->reg, &p, &err), 0);
	assert_int_equal(cc_events_add(&f->reg, 1, "test", "create", &p, NULL, &err), 0);
	p.state = CC_STATE_DELETED;
	p.deleted_at = 100;
	assert_int_equal(cc_chats_update(&f->reg, &p, &err), 0);
	assert_int_equal(cc_chats_purge_deleted_before(&f->reg, 200, &err), 0);
	registry_fixture_chat(&q, "chat Q", "chat-b2b2b2b2b2b2", 70101);
	assert_int_equal(cc_chats_insert(&f->reg, &q, &err), 0);
	assert_int_equal(q.id, p.id); /* the reuse this guards against */
	assert_int_equal(cc_events_each_for_chat(&f->reg, q.id, count_events, &n, &err), 0);
	assert_int_equal(n, 0);
	/* The event is still there, under P's name, pointing at no row. */
	assert_int_equal(sqlite3_prepare_v2(f->reg.db,
					    "SELECT count(*) FROM events WHERE name = 'chat-a1a1a1a1a1a1' AND chat IS NULL",
					    -1, &stmt, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 1);
	sqlite3_finalize(stmt);
}

static void identity_settings_guard_the_config(void **state)
{
	struct cc_config config;
	struct cc_err err;
	FIXTURE();

	cc_config_defaults(&config);
	assert_int_equal(cc_settings_check_identity(&f->reg, &config, &err), -1);
	assert_string_equal(err.msg, "the registry was never initialised; run 'chatcell-admin init'");
	assert_int_equal(cc_settings_record_identity(&f->reg, &config, &err), 0);
	assert_int_equal(cc_settings_check_identity(&f->reg, &config, &err), 0);
	snprintf(config.home_base, sizeof(config.home_base), "/srv/elsewhere");
	assert_int_equal(cc_settings_check_identity(&f->reg, &config, &err), -1);
	assert_string_equal(err.msg,
			    "chatcell.conf says 'user_prefix=chat- uid_range=1879048192-1880096767 "
			    "home_base=/srv/elsewhere' but the registry was initialised with 'user_prefix=chat- "
			    "uid_range=1879048192-1880096767 home_base=/home/chatcell'; these settings name and place "
			    "every chat. Restore them, or run 'chatcell-admin init' to adopt the new ones (allowed only "
			    "while no chat exists)");
}

struct domain_walk {
	char seen[256];
};

static int note_domain(const struct cc_egress_domain *d, void *ctx)
{
	struct domain_walk *w = ctx;
	size_t used = strlen(w->seen);

	snprintf(w->seen + used, sizeof(w->seen) - used, "%s%u:%s:%d:%u:%u-%u:%d", used ? " " : "", d->uid,
		 d->pattern, d->any_port, d->ports.proto, d->ports.port_first, d->ports.port_last, d->private_ok);
	return 0;
}

static const char *domains_of(struct cc_registry *reg, int64_t chat)
{
	static struct domain_walk w;
	struct cc_err err;

	w.seen[0] = '\0';
	assert_int_equal(cc_egress_each_domain(reg, chat, note_domain, &w, &err), 0);
	return w.seen;
}

/* Domain rules: a rule is its pattern and ports; the same one again only
 * takes the new --private; they go with the chat's egress rules. */
static void domain_rules_round_trip(void **state)
{
	struct cc_chat a, b;
	struct cc_err err;
	struct cc_egress_domain any = {.any_port = true}, tls = {.ports = {.proto = 6, .port_first = 443, .port_last = 443}};
	FIXTURE();

	registry_fixture_chat(&a, "domain-a", "chat-a1a1a1a1a1a1", 70040);
	registry_fixture_chat(&b, "domain-b", "chat-b1b1b1b1b1b1", 70041);
	assert_int_equal(cc_chats_insert(&f->reg, &a, &err), 0);
	assert_int_equal(cc_chats_insert(&f->reg, &b, &err), 0);
	snprintf(any.pattern, sizeof(any.pattern), "api.example.com");
	snprintf(tls.pattern, sizeof(tls.pattern), "*.example.com");
	assert_int_equal(cc_egress_add_domain(&f->reg, a.id, &any, &err), 1);
	assert_int_equal(cc_egress_add_domain(&f->reg, a.id, &tls, &err), 1);
	assert_int_equal(cc_egress_add_domain(&f->reg, b.id, &tls, &err), 1);
	tls.private_ok = true;
	assert_int_equal(cc_egress_add_domain(&f->reg, a.id, &tls, &err), 0);
	assert_string_equal(domains_of(&f->reg, a.id), "70040:api.example.com:1:0:0-0:0 70040:*.example.com:0:6:443-443:1");
	assert_string_equal(domains_of(&f->reg, 0), "70040:api.example.com:1:0:0-0:0 70040:*.example.com:0:6:443-443:1 "
						    "70041:*.example.com:0:6:443-443:0");
	/* Another port is another rule. */
	tls.ports.port_first = tls.ports.port_last = 8443;
	assert_int_equal(cc_egress_remove_domain(&f->reg, a.id, &tls, &err), 0);
	tls.ports.port_first = tls.ports.port_last = 443;
	assert_int_equal(cc_egress_remove_domain(&f->reg, a.id, &tls, &err), 1);
	assert_string_equal(domains_of(&f->reg, a.id), "70040:api.example.com:1:0:0-0:0");
	assert_int_equal(cc_egress_remove_chat(&f->reg, a.id, &err), 0);
	assert_string_equal(domains_of(&f->reg, a.id), "");
	assert_string_equal(domains_of(&f->reg, 0), "70041:*.example.com:0:6:443-443:0");
}

/* While this process waits for the write lock to migrate, another one
 * makes the schema newer than this chatcell knows: the busy handler below
 * is that other process, committing while the migration waits. */
static int other_commits(void *ctx, int tries)
{
	(void)tries;
	assert_int_equal(sqlite3_exec(ctx, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	return 1; /* try again: the lock is free now */
}

static void a_migration_refuses_a_schema_made_newer_meanwhile(void **state)
{
	char path[128], expected[sizeof(((struct cc_err *)0)->msg)];
	struct cc_err err;
	sqlite3 *other;
	int version = 0;
	FIXTURE();

	assert_int_equal(sqlite3_exec(f->reg.db, "PRAGMA user_version = 4", NULL, NULL, NULL), SQLITE_OK);
	snprintf(path, sizeof(path), "%s/%s", f->dir, CC_REGISTRY_FILE);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE; PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_busy_handler(f->reg.db, other_commits, other);
	assert_int_equal(cc_registry_migrate(&f->reg, &err), -1);
	snprintf(expected, sizeof(expected),
		 "the registry %s has schema version 99 but this chatcell understands up to %d; install the newer "
		 "chatcell that wrote it",
		 f->reg.path, cc_registry_schema_version());
	assert_string_equal(err.msg, expected);
	assert_int_equal(cc_registry_version(&f->reg, &version, &err), 0);
	assert_int_equal(version, 99); /* not written over with this chatcell's older one */
	sqlite3_close(other);
	sqlite3_busy_timeout(f->reg.db, 1000);
	assert_int_equal(sqlite3_exec(f->reg.db, "PRAGMA user_version = 6", NULL, NULL, NULL), SQLITE_OK);
}

/* A registry of schema 4 (before domain rules) gets the table. */
static void migrates_to_domain_rules(void **state)
{
	struct cc_chat a;
	struct cc_err err;
	struct cc_egress_domain any = {.any_port = true};
	FIXTURE();

	assert_int_equal(cc_registry_schema_version(), 6);
	assert_int_equal(sqlite3_exec(f->reg.db, "DROP TABLE egress_domains; PRAGMA user_version = 4", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(cc_registry_migrate(&f->reg, &err), 0);
	assert_int_equal(user_version(&f->reg), 6);
	registry_fixture_chat(&a, "domain-c", "chat-c1c1c1c1c1c1", 70042);
	assert_int_equal(cc_chats_insert(&f->reg, &a, &err), 0);
	snprintf(any.pattern, sizeof(any.pattern), "api.example.com");
	assert_int_equal(cc_egress_add_domain(&f->reg, a.id, &any, &err), 1);
	assert_string_equal(domains_of(&f->reg, a.id), "70042:api.example.com:1:0:0-0:0");
}

/* The stored definition of a table. */
static const char *table_sql(struct cc_registry *reg, const char *table)
{
	static char sql[2048];
	sqlite3_stmt *stmt;

	sql[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(reg->db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
					    -1, &stmt, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		snprintf(sql, sizeof(sql), "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return sql;
}

/* What a bad row gets: SQLITE_CONSTRAINT, or whatever else went wrong. */
static int insert_rc(sqlite3 *db, const char *sql)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Every constraint of schema 5 still refuses its bad rows in schema 6,
 * where the CHECKs sit on the tables; and a good row is taken. */
static void table_checks_refuse_what_column_checks_did(void **state)
{
	static const char *const refused[] = {
		"INSERT INTO chats (chat_id, name, uid, state, created_at) VALUES (x'01', 'n1', 90001, 'gone', 1)",
		"INSERT INTO chats (chat_id, name, uid, state, created_at, pending) VALUES (x'02', 'n2', 90002, 'active', 1, "
		"'later')",
		"INSERT INTO egress_rules (chat, family, addr, prefix_len, proto, port_first, port_last) VALUES (%1, 3, x'7f000001', "
		"32, 6, 80, 80)",
		"INSERT INTO egress_rules (chat, family, addr, prefix_len, proto, port_first, port_last) VALUES (%1, 2, x'7f000001', "
		"32, 1, 80, 80)",
		"INSERT INTO egress_rules (chat, family, addr, prefix_len, proto, port_first, port_last) VALUES (%1, 2, x'7f000001', "
		"32, 6, 0, 80)",
		"INSERT INTO egress_rules (chat, family, addr, prefix_len, proto, port_first, port_last) VALUES (%1, 2, x'7f000001', "
		"32, 6, 80, 79)",
		"INSERT INTO egress_domains (chat, pattern, any_port, proto, port_first, port_last, private_ok) VALUES (%1, 'a', 2, "
		"0, 0, 0, 0)",
		"INSERT INTO egress_domains (chat, pattern, any_port, proto, port_first, port_last, private_ok) VALUES (%1, 'a', 0, "
		"7, 1, 1, 0)",
		"INSERT INTO egress_domains (chat, pattern, any_port, proto, port_first, port_last, private_ok) VALUES (%1, 'a', 0, "
		"6, 70000, 70000, 0)",
		"INSERT INTO egress_domains (chat, pattern, any_port, proto, port_first, port_last, private_ok) VALUES (%1, 'a', 0, "
		"6, 90, 89, 0)",
		"INSERT INTO egress_domains (chat, pattern, any_port, proto, port_first, port_last, private_ok) VALUES (%1, 'a', 0, "
		"6, 1, 1, 2)",
	};
	char sql[512], id[24], path[128];
	struct cc_chat a;
	struct cc_err err;
	sqlite3 *fresh;
	FIXTURE();

	for (size_t i = 0; i < 3; i++) {
		const char *table = (const char *[]){"chats", "egress_rules", "egress_domains"}[i];

		assert_null(strstr(table_sql(&f->reg, table), "NOT NULL CHECK"));
		assert_non_null(strstr(table_sql(&f->reg, table), ", CHECK ("));
	}
	registry_fixture_chat(&a, "checks-a", "chat-c4c4c4c4c4c4", 70044);
	assert_int_equal(cc_chats_insert(&f->reg, &a, &err), 0);
	snprintf(id, sizeof(id), "%lld", (long long)a.id);
	/* A connection of its own parses the definitions as stored now. */
	snprintf(path, sizeof(path), "%s/%s", f->dir, CC_REGISTRY_FILE);
	assert_int_equal(sqlite3_open_v2(path, &fresh, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *hole = strstr(refused[i], "%1");

		if (hole)
			snprintf(sql, sizeof(sql), "%.*s%s%s", (int)(hole - refused[i]), refused[i], id, hole + 2);
		else
			snprintf(sql, sizeof(sql), "%s", refused[i]);
		assert_int_equal(insert_rc(fresh, sql), SQLITE_CONSTRAINT);
	}
	snprintf(sql, sizeof(sql),
		 "INSERT INTO egress_rules (chat, family, addr, prefix_len, proto, port_first, port_last) VALUES (%s, 2, "
		 "x'7f000001', 32, 6, 80, 80)",
		 id);
	assert_int_equal(sqlite3_exec(fresh, sql, NULL, NULL, NULL), SQLITE_OK); /* control */
	sqlite3_close(fresh);
}

/* A registry of schema 5 gets its column CHECKs moved to the tables; a
 * table whose definition is not migration 5's (here: a column an
 * administrator added) keeps it. */
static void migration_6_moves_checks_it_knows(void **state)
{
	static const char chats_v5[] =
		"CREATE TABLE chats (  id INTEGER PRIMARY KEY,  chat_id BLOB NOT NULL,  name TEXT NOT NULL,  uid INTEGER NOT "
		"NULL UNIQUE,  state TEXT NOT NULL CHECK (state IN (''active'', ''suspended'', ''deleted'')),  created_at "
		"INTEGER NOT NULL,  last_login_at INTEGER,  last_logout_at INTEGER,  deleted_at INTEGER,  memory_max INTEGER, "
		" pids_max INTEGER,  cpu_max_percent INTEGER,  pending TEXT CHECK (pending IN (''create'', ''delete'', "
		"''suspend'')),  pending_arg TEXT, disk_max INTEGER, inodes_max INTEGER, io_weight INTEGER, io_max TEXT)";
	char sql[2048], added[2048];
	struct cc_err err;
	FIXTURE();

	snprintf(sql, sizeof(sql),
		 "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = '%s' WHERE name = 'chats'; UPDATE sqlite_master "
		 "SET sql = replace(sql, 'expires_at INTEGER,', 'expires_at INTEGER, note TEXT,') WHERE name = "
		 "'egress_rules'; PRAGMA writable_schema = OFF; PRAGMA user_version = 5",
		 chats_v5);
	assert_int_equal(sqlite3_exec(f->reg.db, sql, NULL, NULL, NULL), SQLITE_OK);
	snprintf(added, sizeof(added), "%s", table_sql(&f->reg, "egress_rules"));
	assert_non_null(strstr(table_sql(&f->reg, "chats"), "state TEXT NOT NULL CHECK (state IN ('active'")); /* control */
	assert_int_equal(cc_registry_migrate(&f->reg, &err), 0);
	assert_int_equal(user_version(&f->reg), 6);
	assert_null(strstr(table_sql(&f->reg, "chats"), "NOT NULL CHECK"));
	assert_non_null(strstr(table_sql(&f->reg, "chats"), "io_max TEXT, CHECK (state IN ('active', 'suspended', "
								 "'deleted')), CHECK (pending IN ('create', 'delete', 'suspend')))"));
	assert_string_equal(table_sql(&f->reg, "egress_rules"), added);
	/* The migrating connection parses the new definitions (the schema
	 * cookie went up): a column added now goes before the table's CHECKs. */
	assert_int_equal(sqlite3_exec(f->reg.db, "ALTER TABLE chats ADD COLUMN probe INTEGER", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_non_null(strstr(table_sql(&f->reg, "chats"), "io_max TEXT, probe INTEGER, CHECK (state IN"));
	assert_int_equal(sqlite3_exec(f->reg.db, "ALTER TABLE egress_domains ADD COLUMN probe INTEGER", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(f->reg.db,
				      "ALTER TABLE chats DROP COLUMN probe; ALTER TABLE egress_domains DROP COLUMN probe",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	/* Put back what migration 6 leaves on a fresh registry. */
	assert_int_equal(sqlite3_exec(f->reg.db,
				      "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, "
				      "'expires_at INTEGER, note TEXT,', 'expires_at INTEGER,') WHERE name = 'egress_rules'; "
				      "PRAGMA writable_schema = OFF",
				      NULL, NULL, NULL),
			 SQLITE_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(creates_current_schema_root_only),
		cmocka_unit_test(reopen_requires_init_when_missing),
		cmocka_unit_test(refuses_newer_schema),
		cmocka_unit_test(refuses_unsafe_file_modes_and_owners),
		cmocka_unit_test(refuses_a_link_in_place_of_the_file),
		cmocka_unit_test(damaged_file_is_reported_not_used),
		cmocka_unit_test(any_chat_counts_quarantined_rows), /* first to insert: it starts from no chat */
		cmocka_unit_test(live_names_and_chat_ids_are_unique),
		cmocka_unit_test(rows_round_trip_every_field),
		cmocka_unit_test(folded_logins_keep_the_latest),
		cmocka_unit_test(session_bookkeeping_never_waits),
		cmocka_unit_test(events_are_kept_per_chat),
		cmocka_unit_test(purged_chats_leave_their_events_detached),
		cmocka_unit_test(identity_settings_guard_the_config),
		cmocka_unit_test(domain_rules_round_trip),
		cmocka_unit_test(migrates_to_domain_rules),
		cmocka_unit_test(a_migration_refuses_a_schema_made_newer_meanwhile),
		cmocka_unit_test(table_checks_refuse_what_column_checks_did),
		cmocka_unit_test(migration_6_moves_checks_it_knows),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
