/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/limit_value.h"

#include <stdio.h>
#include <string.h>

#include "base/parse_number.h"

#define MEMORY_MIN (4ull << 20)
#define MEMORY_MAX (1ull << 50)
#define PIDS_MAX 4194304ull /* the kernel's PID_MAX_LIMIT */
#define CPU_MAX_PERCENT 100000ull
#define DISK_MIN (1ull << 20)
#define DISK_MAX (1ull << 60)
#define INODES_MIN 100ull
#define INODES_MAX 4294967295ull /* quota inode counts are 32-bit on ext4 */
#define IO_WEIGHT_MAX 10000ull /* the kernel's CGROUP_WEIGHT_MAX */

const char *cc_limit_expected(enum cc_limit_kind kind)
{
	switch (kind) {
	case CC_LIMIT_MEMORY:
		return "a size of at least 4M such as 256M or 2G";
	case CC_LIMIT_PIDS:
		return "a number of processes from 1 to 4194304";
	case CC_LIMIT_DISK:
		return "a size of at least 1M such as 500M or 2G";
	case CC_LIMIT_INODES:
		return "a number of files from 100 to 4294967295, such as 5000, 200k or 1M";
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

/* "5000", "200k" (thousands) or "2M" (millions). */
static int parse_count(const char *text, uint64_t *value)
{
	size_t len = strlen(text);
	uint64_t scale = 1, n;
	char digits[24];

	if (len > 0 && (text[len - 1] == 'k' || text[len - 1] == 'M')) {
		scale = text[len - 1] == 'k' ? 1000 : 1000000;
		len--;
	}
	if (len == 0 || len >= sizeof(digits))
		return -1;
	memcpy(digits, text, len);
	digits[len] = '\0';
	if (cc_parse_u64(digits, 1, INODES_MAX, &n) < 0 || n > INODES_MAX / scale || n * scale < INODES_MIN)
		return -1;
	*value = n * scale;
	return 0;
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
	case CC_LIMIT_DISK:
		return cc_parse_size(text, DISK_MIN, DISK_MAX, value);
	case CC_LIMIT_INODES:
		return parse_count(text, value);
	case CC_LIMIT_IO_WEIGHT:
		return cc_parse_u64(text, 1, IO_WEIGHT_MAX, value);
	case CC_LIMIT_CPU:
		break;
	}
	return parse_percent(text, value);
}

void cc_limit_format(enum cc_limit_kind kind, uint64_t value, char *out, size_t out_len)
{
	const int is_size = kind == CC_LIMIT_MEMORY || kind == CC_LIMIT_DISK;

	if (value == CC_LIMIT_UNLIMITED)
		snprintf(out, out_len, "max");
	else if (is_size && value % (1ull << 40) == 0)
		snprintf(out, out_len, "%lluT", (unsigned long long)(value >> 40));
	else if (is_size && value % (1ull << 30) == 0)
		snprintf(out, out_len, "%lluG", (unsigned long long)(value >> 30));
	else if (is_size && value % (1ull << 20) == 0)
		snprintf(out, out_len, "%lluM", (unsigned long long)(value >> 20));
	else if (kind == CC_LIMIT_INODES && value % 1000000 == 0)
		snprintf(out, out_len, "%lluM", (unsigned long long)(value / 1000000));
	else if (kind == CC_LIMIT_INODES && value % 1000 == 0)
		snprintf(out, out_len, "%lluk", (unsigned long long)(value / 1000));
	else if (kind == CC_LIMIT_CPU)
		snprintf(out, out_len, "%llu%%", (unsigned long long)value);
	else
		snprintf(out, out_len, "%llu", (unsigned long long)value);
}
