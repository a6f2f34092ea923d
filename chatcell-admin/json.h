/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Minimal JSON writing for --json output. Strings are UTF-8 already (chat
 * IDs are validated); only quoting and escaping happen here. */
#ifndef CHATCELL_JSON_H
#define CHATCELL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void json_string(FILE *out, const char *s, size_t len);
void json_field_string(FILE *out, const char *key, const char *value, int comma);
void json_field_u64(FILE *out, const char *key, uint64_t value, int comma);
/* An ISO 8601 UTC time, or null when at == 0. */
void json_field_time(FILE *out, const char *key, int64_t at, int comma);

/* "2026-11-22T10:00:00Z" */
void format_time(int64_t at, char *out, size_t out_len);

#endif
