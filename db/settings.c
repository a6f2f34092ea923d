/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "db/settings.h"

#include <stdio.h>
#include <string.h>

#include "base/parse_number.h"

int cc_settings_get(struct cc_registry *reg, const char *key, char *value, size_t value_len, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	int rc, found = 0;

	if (cc_registry_prepare(reg, "SELECT value FROM settings WHERE key = ?", &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(value, value_len, "%s", (const char *)sqlite3_column_text(stmt, 0));
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = cc_registry_fail(reg, rc, "reading registry settings", err);
	}
	sqlite3_finalize(stmt);
	return found;
}

int cc_settings_set(struct cc_registry *reg, const char *key, const char *value, struct cc_err *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (cc_registry_prepare(reg, "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", &stmt, err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : cc_registry_fail(reg, rc, "writing registry settings", err);
}

int cc_settings_get_u32(struct cc_registry *reg, const char *key, uint32_t *value, struct cc_err *err)
{
	char text[32];
	uint64_t v;
	int found = cc_settings_get(reg, key, text, sizeof(text), err);

	if (found <= 0)
		return found;
	if (cc_parse_u64(text, 0, UINT32_MAX, &v) < 0)
		return cc_fail(err, CC_ERR_SYSTEM, "registry setting %s is malformed ('%s'); restore from backup", key,
			       text);
	*value = (uint32_t)v;
	return 1;
}

int cc_settings_set_u32(struct cc_registry *reg, const char *key, uint32_t value, struct cc_err *err)
{
	char text[16];

	snprintf(text, sizeof(text), "%u", value);
	return cc_settings_set(reg, key, text, err);
}

static void identity_text(const struct cc_config *config, char *out, size_t out_len)
{
	snprintf(out, out_len, "user_prefix=%s uid_range=%u-%u home_base=%s", config->user_prefix, config->uid_min,
		 config->uid_max, config->home_base);
}

int cc_settings_record_identity(struct cc_registry *reg, const struct cc_config *config, struct cc_err *err)
{
	char text[512];

	identity_text(config, text, sizeof(text));
	return cc_settings_set(reg, "identity", text, err);
}

int cc_settings_check_identity(struct cc_registry *reg, const struct cc_config *config, struct cc_err *err)
{
	char recorded[512], wanted[512];
	int found = cc_settings_get(reg, "identity", recorded, sizeof(recorded), err);

	if (found < 0)
		return -1;
	if (found == 0)
		return cc_fail(err, CC_ERR_CONFIG, "the registry was never initialised; run 'chatcell-admin init'");
	identity_text(config, wanted, sizeof(wanted));
	if (strcmp(recorded, wanted) != 0)
		return cc_fail(err, CC_ERR_CONFIG,
			       "chatcell.conf says '%s' but the registry was initialised with '%s'; these settings "
			       "name and place every chat. Restore them, or run 'chatcell-admin init' to adopt the "
			       "new ones (allowed only while no chat exists)",
			       wanted, recorded);
	return 0;
}
