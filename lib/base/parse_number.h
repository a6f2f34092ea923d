/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Strict number parsing: decimal digits only, no sign, no spaces, no
 * overflow, within [min, max]. */
#ifndef CHATCELL_PARSE_NUMBER_H
#define CHATCELL_PARSE_NUMBER_H

#include <stdint.h>

int cc_parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out);

/* "256M", "1G", "4096" (binary suffixes K, M, G, T). */
int cc_parse_size(const char *text, uint64_t min, uint64_t max, uint64_t *out);

/* A duration in seconds: "90", "90s", "15m", "2h". */
int cc_parse_seconds(const char *text, uint64_t min, uint64_t max, uint64_t *out);

#endif
