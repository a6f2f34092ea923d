/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Egress rules (cc_egress_parse_rule and its parts): what parses is within
 * its bounds, prints back as text that parses to the same rule, and every
 * refusal says something. */
#include "fuzz_input.h"

#include <sys/socket.h>

#include "base/egress_rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cc_egress_rule rule, again;
	struct cc_err err = {0};
	char printed[160];

	memset(&rule, 0, sizeof(rule));
	if (cc_egress_parse_rule(text, &rule, &err) == 0) {
		FUZZ_CHECK(rule.family == AF_INET || rule.family == AF_INET6);
		FUZZ_CHECK(rule.prefix_len <= (rule.family == AF_INET ? 32 : 128));
		FUZZ_CHECK(rule.port_first >= 1 && rule.port_first <= rule.port_last);
		cc_egress_format_rule(&rule, printed, sizeof(printed));
		memset(&again, 0, sizeof(again));
		FUZZ_CHECK(cc_egress_parse_rule(printed, &again, &err) == 0 && cc_egress_rules_equal(&rule, &again));
	} else {
		FUZZ_CHECK(err.msg[0] != '\0');
	}
	/* The parts alone, as chatcell-admin's options use them. */
	memset(&rule, 0, sizeof(rule));
	cc_egress_parse_prefix(text, &rule, &err);
	cc_egress_parse_ports(text, &rule, &err);
	cc_egress_parse_proto(text, &rule, &err);
	free(text);
	return 0;
}
