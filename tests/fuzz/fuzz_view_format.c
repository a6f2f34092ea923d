/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The NSS view's records (view_format.h), which libnss_chatcell.so.2 reads
 * in every process: parameters that parse are within the envelope and
 * print back to themselves; names and UIDs pass only in their shape. */
#include "fuzz_input.h"

#include "view/view_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct cc_view_params params, again;
	char printed[CC_VIEW_PARAMS_MAX];
	uint32_t uid;

	memset(&params, 0, sizeof(params));
	if (cc_view_params_parse(text, &params) == 0) {
		FUZZ_CHECK(cc_view_uid_in_envelope(params.uid_min) && cc_view_uid_in_envelope(params.uid_max) &&
			   params.uid_min <= params.uid_max);
		FUZZ_CHECK(params.home_base[0] == '/' && params.shell[0] == '/');
		FUZZ_CHECK(cc_view_params_format(&params, printed, sizeof(printed)) > 0);
		memset(&again, 0, sizeof(again));
		FUZZ_CHECK(cc_view_params_parse(printed, &again) == 0 && memcmp(&params, &again, sizeof(params)) == 0);
	}
	if (cc_view_name_has_chat_shape(text)) {
		size_t len = strlen(text);

		FUZZ_CHECK(len > CC_NAME_HASH_LEN && len <= CC_NAME_MAX && !strchr(text, '/') && !strchr(text, ':'));
		FUZZ_CHECK(!cc_view_name_matches_prefix(text, "x") || text[0] == 'x');
	}
	if (cc_view_parse_uid(text, CC_UID_ENVELOPE_MIN, CC_UID_ENVELOPE_MAX, &uid) == 0)
		FUZZ_CHECK(cc_view_uid_in_envelope(uid));
	free(text);
	return 0;
}
