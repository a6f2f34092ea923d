/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The shims directory that is a chat session's PATH: one symbolic link per
 * command named in shims.list, to that command in /usr/local/bin, /usr/bin 
 * or /bin. Commands that are setuid, setgid or carry file capabilities are
 * never linked. PATH is guidance for the bot, not a boundary (a command can
 * always be run by its full path); no_new_privs is what takes setuid power
 * away inside a session. */
#ifndef CHATCELL_SHIMS_H
#define CHATCELL_SHIMS_H

#include "config/conf.h"
#include "base/error.h"

struct cc_shims_report {
	unsigned linked;
	unsigned missing;    /* named but not installed */
	unsigned privileged; /* setuid, setgid or with capabilities: refused */
	unsigned removed;    /* links no longer in the list */
};

/* Make shims_dir (root, 0755) match the list file. A missing list file
 * means an empty shims directory. */
int cc_shims_sync(const struct cc_config *config, const char *list_path, struct cc_shims_report *report,
		  struct cc_err *err);

#endif
