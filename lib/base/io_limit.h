/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A chat's I/O bandwidth and operation caps as people write them:
 * "rbps=50M wbps=20M riops=1000 wiops=500" (any subset, space-separated;
 * bytes per second with the binary suffixes of sizes), or "max" for none.
 * One parser and one set of bounds for chatcell.conf's io_max and
 * `chatcell-admin limits --io-max`. */
#ifndef CHATCELL_IO_LIMIT_H
#define CHATCELL_IO_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Each field is CC_LIMIT_UNLIMITED (base/limit_value.h) when not capped. */
struct cc_io_max {
	uint64_t rbps, wbps, riops, wiops;
};

/* Room for the longest text cc_io_max_format writes. */
#define CC_IO_MAX_TEXT 96

void cc_io_max_none(struct cc_io_max *max);
bool cc_io_max_is_none(const struct cc_io_max *max);

/* Returns 0, or -1 if the text is not a valid io_max (unknown or repeated
 * key, a value out of bounds, nothing given). */
int cc_io_max_parse(const char *text, struct cc_io_max *max);

/* What a valid io_max looks like, for messages. */
const char *cc_io_max_expected(void);

/* The canonical text: the capped keys in the order rbps wbps riops wiops
 * ("wbps=20M riops=1000"), or "max". Parses back to the same value. */
void cc_io_max_format(const struct cc_io_max *max, char *out, size_t out_len);

#endif
