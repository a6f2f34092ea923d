/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Numbers (cc_parse_u64, cc_parse_size): a value that parses lies within
 * the bounds asked for (taken from the input's first 16 bytes), and a
 * plain number is exactly the decimal digits given. */
#include "fuzz_input.h"

#include <inttypes.h>

#include "base/parse_number.h"

static uint64_t take_u64(const uint8_t **data, size_t *size)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *size > 0; i++, (*data)++, (*size)--)
		v = (v << 8) | **data;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t min = take_u64(&data, &size), max = take_u64(&data, &size), value;
	char *text = fuzz_text(data, size);

	if (cc_parse_u64(text, min, max, &value) == 0) {
		char printed[24];
		const char *digits = text;

		FUZZ_CHECK(value >= min && value <= max);
		while (digits[0] == '0' && digits[1] != '\0')
			digits++; /* leading zeros are allowed */
		snprintf(printed, sizeof(printed), "%" PRIu64, value);
		FUZZ_CHECK(strcmp(printed, digits) == 0);
	}
	if (cc_parse_size(text, min, max, &value) == 0)
		FUZZ_CHECK(value >= min && value <= max);
	free(text);
	return 0;
}
