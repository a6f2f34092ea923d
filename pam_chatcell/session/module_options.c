/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module_options.h"

#include <security/pam_ext.h>
#include <string.h>
#include <syslog.h>

void module_options_parse(pam_handle_t *pamh, int argc, const char **argv, struct module_options *opt)
{
	opt->config_path = CHATCELL_CONF_PATH;
	opt->debug = false;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "config=", 7) == 0 && argv[i][7] == '/')
			opt->config_path = argv[i] + 7;
		else if (strcmp(argv[i], "debug") == 0)
			opt->debug = true;
		else
			pam_syslog(pamh, LOG_WARNING, "unknown option '%s' ignored (known: config=/PATH, debug)", argv[i]);
	}
}
