/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/io_limit.h"

#include <stdio.h>
#include <string.h>

#include "base/limit_value.h"
#include "base/parse_number.h"

/* Below 64K a second even a shell's startup stalls; the kernel stores
 * bandwidth and IOPS caps as 64- and 32-bit numbers. */
#define BPS_MIN (64ull << 10)
#define BPS_MAX (1ull << 50)
#define IOPS_MIN 10ull
#define IOPS_MAX 10000000ull

static const char *const keys[] = {"rbps", "wbps", "riops", "wiops"};

/* The field of keys[i]. */
static uint64_t *field(struct cc_io_max *max, size_t i)
{
	switch (i) {
	case 0:
		return &max->rbps;
	case 1:
		return &max->wbps;
	case 2:
		return &max->riops;
	default:
		return &max->wiops;
	}
}

void cc_io_max_none(struct cc_io_max *max)
{
	max->rbps = max->wbps = max->riops = max->wiops = CC_LIMIT_UNLIMITED;
}

bool cc_io_max_is_none(const struct cc_io_max *max)
{
	return max->rbps == CC_LIMIT_UNLIMITED && max->wbps == CC_LIMIT_UNLIMITED && max->riops == CC_LIMIT_UNLIMITED &&
	       max->wiops == CC_LIMIT_UNLIMITED;
}

const char *cc_io_max_expected(void)
{
	return "space-separated rbps=, wbps= (bytes per second from 64K, such as 20M), riops=, wiops= (operations "
	       "per second from 10 to 10000000), each also 'max'; or 'max' for no cap";
}

/* One "key=value" word. `seen` has a bit per key already given. */
static int parse_word(const char *word, struct cc_io_max *max, unsigned *seen)
{
	const char *eq = strchr(word, '=');

	if (!eq)
		return -1;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t len = strlen(keys[i]);
		const char *value = eq + 1;
		bool bps = i < 2;

		if ((size_t)(eq - word) != len || strncmp(word, keys[i], len) != 0)
			continue;
		if (*seen & (1u << i))
			return -1;
		*seen |= 1u << i;
		if (strcmp(value, "max") == 0) {
			*field(max, i) = CC_LIMIT_UNLIMITED;
			return 0;
		}
		return bps ? cc_parse_size(value, BPS_MIN, BPS_MAX, field(max, i))
			   : cc_parse_u64(value, IOPS_MIN, IOPS_MAX, field(max, i));
	}
	return -1;
}

int cc_io_max_parse(const char *text, struct cc_io_max *max)
{
	char copy[CC_IO_MAX_TEXT * 2], *save = NULL;
	struct cc_io_max parsed;
	unsigned seen = 0;

	cc_io_max_none(&parsed);
	if (strcmp(text, "max") == 0) {
		*max = parsed;
		return 0;
	}
	if (strlen(text) >= sizeof(copy))
		return -1;
	memcpy(copy, text, strlen(text) + 1);
	for (char *word = strtok_r(copy, " \t", &save); word; word = strtok_r(NULL, " \t", &save))
		if (parse_word(word, &parsed, &seen) < 0)
			return -1;
	if (!seen)
		return -1;
	*max = parsed;
	return 0;
}

void cc_io_max_format(const struct cc_io_max *max, char *out, size_t out_len)
{
	struct cc_io_max copy = *max;
	size_t used = 0;

	if (out_len == 0)
		return;
	out[0] = '\0';
	if (cc_io_max_is_none(max)) {
		snprintf(out, out_len, "max");
		return;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && used < out_len; i++) {
		uint64_t value = *field(&copy, i);
		char text[32];
		int n;

		if (value == CC_LIMIT_UNLIMITED)
			continue;
		cc_limit_format(i < 2 ? CC_LIMIT_MEMORY : CC_LIMIT_PIDS, value, text, sizeof(text));
		n = snprintf(out + used, out_len - used, "%s%s=%s", used ? " " : "", keys[i], text);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}
