/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/parse_number.h"

#include <string.h>

int cc_parse_u64(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t value = 0;

	if (*text == '\0' || strlen(text) > 20)
		return -1;
	for (const char *p = text; *p; p++) {
		unsigned digit;

		if (*p < '0' || *p > '9')
			return -1;
		digit = (unsigned)(*p - '0');
		if (value > (UINT64_MAX - digit) / 10)
			return -1;
		value = value * 10 + digit;
	}
	if (value < min || value > max)
		return -1;
	*out = value;
	return 0;
}

int cc_parse_size(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	static const char suffixes[] = "KMGT";
	char digits[24];
	size_t len = strlen(text);
	unsigned shift = 0;
	uint64_t value;
	const char *suffix;

	if (len == 0 || len >= sizeof(digits))
		return -1;
	memcpy(digits, text, len + 1);
	suffix = strchr(suffixes, digits[len - 1]);
	if (suffix && digits[len - 1] != '\0') {
		shift = 10 * (unsigned)(suffix - suffixes + 1);
		digits[len - 1] = '\0';
	}
	if (cc_parse_u64(digits, 0, UINT64_MAX >> shift, &value) < 0)
		return -1;
	value <<= shift;
	if (value < min || value > max)
		return -1;
	*out = value;
	return 0;
}

int cc_parse_seconds(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
	static const struct {
		char suffix;
		uint64_t seconds;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}};
	char digits[24];
	size_t len = strlen(text);
	uint64_t unit = 1, value;

	if (len == 0 || len >= sizeof(digits))
		return -1;
	memcpy(digits, text, len + 1);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (digits[len - 1] == units[i].suffix) {
			unit = units[i].seconds;
			digits[len - 1] = '\0';
		}
	if (cc_parse_u64(digits, 0, UINT64_MAX / unit, &value) < 0)
		return -1;
	value *= unit;
	if (value < min || value > max)
		return -1;
	*out = value;
	return 0;
}
