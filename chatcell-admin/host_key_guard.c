/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "host_key_guard.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/settings.h"
#include "identity/host_key.h"
#include "json.h"

/* How much of a fingerprint messages show. */
#define SHOWN 16

bool host_key_last_backup(struct admin *a, char dir[CC_PATH_MAX + 1], char at[32])
{
	char value[CC_PATH_MAX + 32];
	struct cc_err ignored;
	char *rest = NULL;
	long long when;

	if (cc_settings_get(&a->reg, CC_SETTING_LAST_BACKUP, value, sizeof(value), &ignored) != 1)
		return false;
	when = strtoll(value, &rest, 10);
	if (!rest || *rest != ' ' || when <= 0 || strlen(rest + 1) > CC_PATH_MAX)
		return false;
	memcpy(dir, rest + 1, strlen(rest + 1) + 1);
	format_time(when, at, 32);
	return true;
}

/* What to do about a missing or wrong key: restore the right one. */
static void restore_advice(struct admin *a, char *out, size_t out_len)
{
	char dir[CC_PATH_MAX + 1], at[32];

	if (!host_key_last_backup(a, dir, at))
		snprintf(out, out_len,
			 "No 'chatcell-admin backup' of this host is recorded: restore %s/%s from your own backup of it",
			 CHATCELL_STATE_DIR, CC_HOST_KEY_FILE);
	else
		snprintf(out, out_len, "Restore it from the backup in %s (made %s): install -m 600 %s/%s %s/%s", dir, at,
			 dir, CC_HOST_KEY_FILE, CHATCELL_STATE_DIR, CC_HOST_KEY_FILE);
}

/* Does the key give the oldest chat its name? (For registries that do not
 * record a fingerprint yet.) 1 yes or no chat, 0 no, -1 error. */
static int names_the_oldest_chat(struct admin *a)
{
	char name[CC_NAME_MAX + 1];
	struct cc_chat chat;
	int found = cc_chats_find_first(&a->reg, &chat, &a->err);

	if (found <= 0)
		return found < 0 ? -1 : 1;
	if (cc_chat_name_derive(a->host_key, chat.chat_id, chat.chat_id_len, a->config.user_prefix, name) < 0)
		return cc_fail(&a->err, CC_ERR_SYSTEM, "cannot compute a chat's name (user_prefix too long)");
	return strcmp(name, chat.name) == 0;
}

/* The registry's number of chats, for a message: counting reads every row,
 * so only a refusal pays for it. */
static int64_t chats_for_message(struct admin *a)
{
	struct cc_err ignored;
	int64_t chats = -1;

	return cc_chats_count(&a->reg, &chats, &ignored) < 0 ? -1 : chats;
}

int host_key_guard(struct admin *a, bool init)
{
	char recorded[CC_HOST_KEY_FINGERPRINT_LEN + 1] = "", fingerprint[CC_HOST_KEY_FINGERPRINT_LEN + 1];
	/* Two backup paths, the state directory twice (configure's prefix can
	 * make it long) and the words around them. */
	char advice[2 * (CC_PATH_MAX + sizeof(CHATCELL_STATE_DIR) + sizeof(CC_HOST_KEY_FILE)) + 160];
	bool chats = false;
	int have = cc_settings_get(&a->reg, CC_SETTING_HOST_KEY, recorded, sizeof(recorded), &a->err);

	if (have < 0 || cc_chats_any(&a->reg, &chats, &a->err) < 0)
		return -1;
	if (!cc_host_key_present(a->state_fd) && chats) {
		restore_advice(a, advice, sizeof(advice));
		return cc_fail(&a->err, CC_ERR_CONFIG,
			       "the host key %s/%s is missing, but the registry holds %" PRId64 " chats named with it "
			       "(fingerprint %.*s); a new key would give them other names, so none is made. %s",
			       CHATCELL_STATE_DIR, CC_HOST_KEY_FILE, chats_for_message(a), SHOWN,
			       have ? recorded : "not recorded", advice);
	}
	if (init && cc_host_key_create(a->state_fd, CHATCELL_STATE_DIR, &a->err) < 0)
		return -1;
	if (cc_host_key_load(a->state_fd, CHATCELL_STATE_DIR, a->host_key, &a->err) < 0)
		return -1;
	cc_host_key_fingerprint(a->host_key, fingerprint);
	if (have && strcmp(fingerprint, recorded) == 0)
		return 0;
	if (chats && (have || names_the_oldest_chat(a) == 0)) {
		restore_advice(a, advice, sizeof(advice));
		return cc_fail(&a->err, CC_ERR_CONFIG,
			       "the host key %s/%s is not the key the registry's %" PRId64 " chats were named with (its "
			       "fingerprint is %.*s, the registry's %.*s); it would give them other names. %s",
			       CHATCELL_STATE_DIR, CC_HOST_KEY_FILE, chats_for_message(a), SHOWN, fingerprint, SHOWN,
			       have ? recorded : "not recorded", advice);
	}
	if (a->err.kind != CC_OK)
		return -1; /* names_the_oldest_chat could not tell */
	/* No chat yet (a new key names nothing), or an older registry whose
	 * chats this key names: record the fingerprint. Only init must manage
	 * to; for the other commands the next run tries again. */
	if (cc_settings_set(&a->reg, CC_SETTING_HOST_KEY, fingerprint, &a->err) < 0) {
		if (init)
			return -1;
		memset(&a->err, 0, sizeof(a->err));
	}
	return 0;
}
