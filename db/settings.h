/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Key/value settings kept in the registry: the identity settings fixed at
 * init (prefix, UID range, home base) and the UID allocation cursor. */
#ifndef CHATCELL_SETTINGS_H
#define CHATCELL_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "config/conf.h"
#include "db/registry.h"

/* Keys besides the identity. */
#define CC_SETTING_HOST_KEY "host_key_fingerprint" /* cc_host_key_fingerprint() of the key */
#define CC_SETTING_LAST_BACKUP "last_backup"       /* "<unix time> <directory>" of the last backup */
#define CC_SETTING_NEXT_UID "next_uid"             /* where the next UID search starts (uid_alloc.c) */
/* A new random value each time running cells' egress tables are built
 * anew (their learned sets empty): the DNS gate then forgets what it
 * thinks it opened in them, and opens it again at the next answer. */
#define CC_SETTING_TABLES_REBUILT "egress_tables_rebuilt"

/* 1 found (value copied), 0 absent, -1 error. */
int cc_settings_get(struct cc_registry *reg, const char *key, char *value, size_t value_len, struct cc_err *err);
int cc_settings_set(struct cc_registry *reg, const char *key, const char *value, struct cc_err *err);
int cc_settings_get_u32(struct cc_registry *reg, const char *key, uint32_t *value, struct cc_err *err);
int cc_settings_set_u32(struct cc_registry *reg, const char *key, uint32_t value, struct cc_err *err);

/* The settings that name and place every chat cannot change once chats
 * exist. Record them (init) or check chatcell.conf still agrees. */
int cc_settings_record_identity(struct cc_registry *reg, const struct cc_config *config, struct cc_err *err);
int cc_settings_check_identity(struct cc_registry *reg, const struct cc_config *config, struct cc_err *err);

#endif
