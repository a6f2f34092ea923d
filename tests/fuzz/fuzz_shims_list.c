/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* shims.list (cc_shims_list_read): every name it accepts is a plain
 * command name that no path trick can hide in, at most CC_SHIMS_MAX. */
#include "fuzz_input.h"

#include "fs/shims_list.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cc_shims_list list;
	struct cc_err err = {0};
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return 0; /* fmemopen refuses an empty buffer on some libcs */
	if (cc_shims_list_read(f, "fuzz.list", &list, &err) == 0) {
		FUZZ_CHECK(list.count <= CC_SHIMS_MAX);
		for (unsigned i = 0; i < list.count; i++) {
			const char *name = list.names[i];

			FUZZ_CHECK(name[0] != '\0' && strlen(name) <= CC_SHIM_NAME_MAX);
			FUZZ_CHECK(!strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0);
			FUZZ_CHECK(cc_shims_list_has(&list, name));
		}
	} else {
		FUZZ_CHECK(strncmp(err.msg, "fuzz.list:", 10) == 0);
	}
	fclose(f);
	return 0;
}
