/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pam_chatcell's module arguments (module_options_parse), one argument per
 * NUL-separated piece of the input: a config= path taken is absolute and
 * one of the arguments; anything unknown is logged (here: counted). */
#include "fuzz_input.h"

#include <security/pam_ext.h>

#include "pam_chatcell/session/module_options.h"

static unsigned logged;

/* The module logs unknown arguments through libpam, not linked here. */
void pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	logged++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	const char *argv[64];
	struct module_options opt;
	int argc = 0;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i <= size && argc < 64; i += strlen(text + i) + 1)
		argv[argc++] = text + i;
	logged = 0;
	module_options_parse(NULL, argc, argv, &opt);
	FUZZ_CHECK(opt.config_path && opt.config_path[0] == '/');
	if (strcmp(opt.config_path, CHATCELL_CONF_PATH) != 0) {
		int found = 0;

		for (int i = 0; i < argc; i++)
			found |= strncmp(argv[i], "config=", 7) == 0 && argv[i] + 7 == opt.config_path;
		FUZZ_CHECK(found);
	}
	FUZZ_CHECK(logged <= (unsigned)argc);
	free(text);
	return 0;
}
