/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/limit_value.h"

#include <stdio.h>
#include <string.h>

#include "base/parse_number.h"

#define MEMORY_MIN (4ull << 20)
#define MEMORY_MAX (1ull << 50)
#define PIDS_MAX 4194304ull /* the kernel's PID_MAX_LIMIT */
#define CPU_MAX_PERCENT 100000ull
#define IO_WEIGHT_MAX 10000ull /* the kernel's CGROUP_WEIGHT_MAX */

const char *cc_limit_expected(enum cc_limit_kind kind)
{
	switch (kind) {
	case CC_LIMIT_MEMORY:
		return "a size of at least 4M such as 256M or 2G";
	case CC_LIMIT_PIDS:
		return "a number of processes from 1 to 4194304";
	case CC_LIMIT_IO_WEIGHT:
		return "a weight from 1 to 10000 (100 is an equal share)";
	case CC_LIMIT_CPU:
		break;
	}
	return "a percentage of one CPU such as 25% or 200%";
}

static int parse_percent(const char *text, uint64_t *value)
{
	size_t len = strlen(text);
	char digits[16];

	if (len < 2 || len >= sizeof(digits) || text[len - 1] != '%')
		return -1;
	memcpy(digits, text, len - 1);
	digits[len - 1] = '\0';
	return cc_parse_u64(digits, 1, CPU_MAX_PERCENT, value);
}

int cc_limit_parse(enum cc_limit_kind kind, const char *text, uint64_t *value)
{
	/* A weight is a share, never unlimited. */
	if (strcmp(text, "max") == 0 && kind != CC_LIMIT_IO_WEIGHT) {
		*value = CC_LIMIT_UNLIMITED;
		return 0;
	}
	switch (kind) {
	case CC_LIMIT_MEMORY:
		return cc_parse_size(text, MEMORY_MIN, MEMORY_MAX, value);
	case CC_LIMIT_PIDS:
		return cc_parse_u64(text, 1, PIDS_MAX, value);
	case CC_LIMIT_IO_WEIGHT:
		return cc_parse_u64(text, 1, IO_WEIGHT_MAX, value);
	case CC_LIMIT_CPU:
		break;
	}
	return parse_percent(text, value);
}

void cc_limit_format(enum cc_limit_kind kind, uint64_t value, char *out, size_t out_len)
{
	if (value == CC_LIMIT_UNLIMITED)
		snprintf(out, out_len, "max");
	else if (kind == CC_LIMIT_MEMORY && value % (1ull << 30) == 0)
		snprintf(out, out_len, "%lluG", (unsigned long long)(value >> 30));
	else if (kind == CC_LIMIT_MEMORY && value % (1ull << 20) == 0)
		snprintf(out, out_len, "%lluM", (unsigned long long)(value >> 20));
	else if (kind == CC_LIMIT_CPU)
		snprintf(out, out_len, "%llu%%", (unsigned long long)value);
	else
		snprintf(out, out_len, "%llu", (unsigned long long)value);
}
