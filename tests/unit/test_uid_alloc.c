/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UID allocation on a real registry: range edges, wrap-around, NSS
 * collisions, claims, quarantine and exhaustion. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmocka_all.h"

#include "registry_fixture.h"
#include "db/uid_alloc.h"

struct world {
	struct registry_fixture f;
	struct cc_config config;
	uint32_t foreign_uid; /* pretend NSS knows this one */
	uint32_t busy_uid;    /* pretend its lock is held */
	uint32_t unknown_uid; /* pretend NSS cannot tell (a directory out of reach) */
	int64_t next_id;
};

static int foreign(uint32_t uid, void *ctx, struct cc_err *err)
{
	const struct world *w = ctx;

	if (uid == w->unknown_uid)
		return cc_fail(err, CC_ERR_SYSTEM, "cannot tell whether uid %u is taken", uid);
	return uid == w->foreign_uid;
}

static bool claimable(uint32_t uid, void *ctx)
{
	return uid != ((struct world *)ctx)->busy_uid;
}

static int setup(void **state)
{
	static struct world w;

	if (geteuid() != 0)
		return 0;
	memset(&w, 0, sizeof(w));
	if (registry_fixture_setup(&w.f) < 0)
		return -1;
	cc_config_defaults(&w.config);
	w.config.uid_min = 70000;
	w.config.uid_max = 70003;
	*state = &w;
	return 0;
}

static int teardown(void **state)
{
	if (*state)
		registry_fixture_teardown(&((struct world *)*state)->f);
	return 0;
}

/* Allocate one UID and record it as a chat (as ensure does). */
static int take(struct world *w, uint32_t *uid, struct cc_err *err)
{
	struct cc_uid_allocator alloc = {foreign, claimable, w};
	struct cc_chat chat;
	char name[32];

	if (cc_uid_allocate(&w->f.reg, &w->config, &alloc, uid, err) < 0)
		return -1;
	snprintf(name, sizeof(name), "chat-%012llx", (unsigned long long)++w->next_id);
	registry_fixture_chat(&chat, name, name, *uid);
	return cc_chats_insert(&w->f.reg, &chat, err);
}

#define WORLD()                                                                                                \
	struct world *w = *state;                                                                              \
	if (!w)                                                                                                \
		skip();

static void allocates_the_whole_range_then_reports_exhaustion(void **state)
{
	struct cc_err err;
	uint32_t uid;
	WORLD();

	assert_int_equal(take(w, &uid, &err), 0);
	assert_int_equal(uid, 70000);
	assert_int_equal(take(w, &uid, &err), 0);
	assert_int_equal(uid, 70001);
	assert_int_equal(take(w, &uid, &err), 0);
	assert_int_equal(take(w, &uid, &err), 0);
	assert_int_equal(uid, 70003);
	assert_int_equal(take(w, &uid, &err), -1);
	assert_int_equal(err.kind, CC_ERR_CONFLICT);
	assert_string_equal(err.msg, "all 4 UIDs of uid_range 70000-70003 are taken or quarantined; widen uid_range "
				     "in chatcell.conf or lower quarantine_days");
}

static void quarantine_holds_until_purged(void **state)
{
	struct cc_err err;
	struct cc_chat chat;
	uint32_t uid;
	WORLD();

	/* Delete the chat on 70001 at t=1000. */
	assert_int_equal(cc_chats_find_by_uid(&w->f.reg, 70001, &chat, &err), 1);
	chat.state = CC_STATE_DELETED;
	chat.deleted_at = 1000;
	assert_int_equal(cc_chats_update(&w->f.reg, &chat, &err), 0);
	assert_int_equal(take(w, &uid, &err), -1); /* still quarantined */
	assert_int_equal(cc_chats_purge_deleted_before(&w->f.reg, 1000, &err), 0);
	assert_int_equal(take(w, &uid, &err), -1); /* cutoff not past deletion yet */
	/* A deletion whose step is unfinished is never purged. */
	chat.pending = CC_PENDING_DELETE;
	assert_int_equal(cc_chats_update(&w->f.reg, &chat, &err), 0);
	assert_int_equal(cc_chats_purge_deleted_before(&w->f.reg, 1001, &err), 0);
	assert_int_equal(take(w, &uid, &err), -1);
	chat.pending = CC_PENDING_NONE;
	assert_int_equal(cc_chats_update(&w->f.reg, &chat, &err), 0);
	assert_int_equal(cc_chats_purge_deleted_before(&w->f.reg, 1001, &err), 0);
	assert_int_equal(take(w, &uid, &err), 0);
	assert_int_equal(uid, 70001);
}

static void skips_uids_known_to_nss_and_busy_locks(void **state)
{
	struct cc_err err;
	uint32_t uid;
	WORLD();

	w->config.uid_min = 80000;
	w->config.uid_max = 80009;
	w->foreign_uid = 80000;
	w->busy_uid = 80001;
	assert_int_equal(take(w, &uid, &err), 0); /* cursor restarts inside the new range */
	assert_int_equal(uid, 80002);
	w->foreign_uid = w->busy_uid = 0;
}

/* "Cannot tell" is not "free": the allocation fails with the reason. */
static void a_failed_nss_lookup_fails_the_allocation(void **state)
{
	struct cc_err err;
	uint32_t uid = 0;
	WORLD();

	w->unknown_uid = 80003;
	assert_int_equal(take(w, &uid, &err), -1);
	assert_string_equal(err.msg, "cannot tell whether uid 80003 is taken");
	assert_int_equal(uid, 0);
	w->unknown_uid = 0;
}

static void cursor_wraps_to_free_uids(void **state)
{
	struct cc_err err;
	struct cc_chat chat;
	uint32_t uid;
	WORLD();

	for (uint32_t expect = 80003; expect <= 80009; expect++) {
		assert_int_equal(take(w, &uid, &err), 0);
		assert_int_equal(uid, expect);
	}
	/* Free 80000 (never taken: it was "foreign") is found after wrapping. */
	assert_int_equal(take(w, &uid, &err), 0);
	assert_int_equal(uid, 80000);
	assert_int_equal(take(w, &uid, &err), 0);
	assert_int_equal(uid, 80001);
	assert_int_equal(take(w, &uid, &err), -1);
	assert_int_equal(cc_chats_find_by_uid(&w->f.reg, 80005, &chat, &err), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocates_the_whole_range_then_reports_exhaustion),
		cmocka_unit_test(quarantine_holds_until_purged),
		cmocka_unit_test(skips_uids_known_to_nss_and_busy_locks),
		cmocka_unit_test(a_failed_nss_lookup_fails_the_allocation),
		cmocka_unit_test(cursor_wraps_to_free_uids),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
