/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resource limits as people write and read them: a memory or disk size
 * ("512M", "2G"), a number of processes ("300"), a share of one CPU
 * ("50%"), a number of files ("200k"), or "max" for none; and an I/O
 * weight ("100", never "max"). One parser and one set of bounds for chatcell.conf and
 * `chatcell-admin limits`. */
#ifndef CHATCELL_LIMIT_VALUE_H
#define CHATCELL_LIMIT_VALUE_H

#include <stddef.h>
#include <stdint.h>

#define CC_LIMIT_UNLIMITED UINT64_MAX

enum cc_limit_kind { CC_LIMIT_MEMORY, CC_LIMIT_PIDS, CC_LIMIT_CPU, CC_LIMIT_DISK, CC_LIMIT_INODES, CC_LIMIT_IO_WEIGHT };

/* "max" gives CC_LIMIT_UNLIMITED (not for an I/O weight); anything else must lie in the kind's
 * bounds. Returns 0, or -1 if the text is not a valid limit. */
int cc_limit_parse(enum cc_limit_kind kind, const char *text, uint64_t *value);

/* What a valid value looks like, for messages ("a size of at least 4M
 * such as 256M or 2G"). */
const char *cc_limit_expected(enum cc_limit_kind kind);

/* "256M", "200", "25%", "200k", or "max" for CC_LIMIT_UNLIMITED. */
void cc_limit_format(enum cc_limit_kind kind, uint64_t value, char *out, size_t out_len);

#endif
