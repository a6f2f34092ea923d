/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* pam_chatcell's module arguments: config=PATH and debug. Everything else
 * comes from chatcell.conf. */
#ifndef CHATCELL_MODULE_OPTIONS_H
#define CHATCELL_MODULE_OPTIONS_H

#include <security/pam_modules.h>
#include <stdbool.h>

struct module_options {
	const char *config_path;
	bool debug;
};

/* Unknown arguments are logged and ignored. */
void module_options_parse(pam_handle_t *pamh, int argc, const char **argv, struct module_options *opt);

#endif
