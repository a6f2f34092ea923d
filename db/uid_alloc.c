/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "db/uid_alloc.h"

#include "db/settings.h"

#define CURSOR_KEY CC_SETTING_NEXT_UID

static int uid_in_registry(struct cc_registry *reg, uint32_t uid, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (cc_registry_prepare(reg, "SELECT 1 FROM chats WHERE uid = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, uid);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : cc_registry_fail(reg, rc, "checking a UID", err);
}

int cc_uid_allocate(struct cc_registry *reg, const struct cc_config *config, const struct cc_uid_allocator *alloc,
		    uint32_t *uid, struct cc_err *err)
{
	uint64_t size = (uint64_t)config->uid_max - config->uid_min + 1;
	uint32_t cursor = config->uid_min;
	int found = cc_settings_get_u32(reg, CURSOR_KEY, &cursor, err);

	if (found < 0)
		return -1;
	if (cursor < config->uid_min || cursor > config->uid_max)
		cursor = config->uid_min;
	for (uint64_t tried = 0; tried < size; tried++) {
		uint32_t candidate = cursor;
		int taken;

		cursor = cursor == config->uid_max ? config->uid_min : cursor + 1;
		taken = uid_in_registry(reg, candidate, err);
		if (taken == 0 && alloc->in_use)
			taken = alloc->in_use(candidate, alloc->ctx, err);
		if (taken < 0)
			return -1;
		if (taken)
			continue;
		if (alloc->claim && !alloc->claim(candidate, alloc->ctx))
			continue;
		*uid = candidate;
		return cc_settings_set_u32(reg, CURSOR_KEY, cursor, err);
	}
	return cc_fail(err, CC_ERR_CONFLICT,
		       "all %llu UIDs of uid_range %u-%u are taken or quarantined; widen uid_range in "
		       "chatcell.conf or lower quarantine_days",
		       (unsigned long long)size, config->uid_min, config->uid_max);
}
