/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Limits (cc_limit_parse, cc_io_max_parse): of every kind, a value that
 * parses is within the kind's bounds, and prints back as text that parses
 * to it again. */
#include "fuzz_input.h"

#include "base/io_limit.h"
#include "base/limit_value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum cc_limit_kind kinds[] = {CC_LIMIT_MEMORY, CC_LIMIT_PIDS, CC_LIMIT_CPU, CC_LIMIT_IO_WEIGHT};
	char *text = fuzz_text(data, size);
	struct cc_io_max io, io_again;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		uint64_t value, again;
		char printed[32];

		if (cc_limit_parse(kinds[i], text, &value) < 0)
			continue;
		FUZZ_CHECK(value == CC_LIMIT_UNLIMITED || value > 0);
		cc_limit_format(kinds[i], value, printed, sizeof(printed));
		FUZZ_CHECK(cc_limit_parse(kinds[i], printed, &again) == 0 && again == value);
	}
	if (cc_io_max_parse(text, &io) == 0) {
		char printed[CC_IO_MAX_TEXT];

		cc_io_max_format(&io, printed, sizeof(printed));
		FUZZ_CHECK(cc_io_max_parse(printed, &io_again) == 0 && memcmp(&io, &io_again, sizeof(io)) == 0);
	}
	free(text);
	return 0;
}
