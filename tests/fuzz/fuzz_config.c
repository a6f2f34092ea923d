/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcell.conf (cc_config_parse): any text either parses, leaving a
 * configuration within its documented bounds, or fails with one line that
 * names the origin. */
#include "fuzz_input.h"

#include "config/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cc_config config;
	struct cc_err err = {0};

	cc_config_defaults(&config);
	if (cc_config_parse(&config, text, "fuzz.conf", &err) == 0) {
		FUZZ_CHECK(config.uid_min >= CC_UID_ENVELOPE_MIN && config.uid_min <= config.uid_max &&
			   config.uid_max <= CC_UID_ENVELOPE_MAX);
		FUZZ_CHECK(config.egress_allow_count <= CC_EGRESS_DEFAULTS_MAX);
		FUZZ_CHECK(config.dns_server_count <= CC_DNS_SERVERS_MAX);
		FUZZ_CHECK(config.user_prefix[0] != '\0' && config.home_base[0] == '/' && config.shell[0] == '/');
	} else {
		FUZZ_CHECK(strncmp(err.msg, "fuzz.conf:", 10) == 0 && !strchr(err.msg, '\n'));
	}
	free(text);
	return 0;
}
