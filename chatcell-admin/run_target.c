/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "run_target.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* One line from stdin, read a byte at a time so nothing after the newline
 * is taken from the command. */
static int read_first_line(struct admin *a, struct chat_target *t)
{
	size_t len = 0;

	for (;;) {
		char c;
		ssize_t n = read(STDIN_FILENO, &c, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cc_fail_errno(&a->err, CC_ERR_SYSTEM, errno, "cannot read the chat ID from stdin");
		if (n == 0 || c == '\n')
			break;
		if (len == CC_CHAT_ID_MAX + 1)
			return cc_fail(&a->err, CC_ERR_INVALID, "the chat ID on stdin is longer than %d bytes",
				       CC_CHAT_ID_MAX);
		t->chat_id[len++] = c;
	}
	t->chat_id_len = len;
	t->chat_id[len] = '\0';
	return 0;
}

int run_target_read(struct admin *a, struct chat_target *t, bool shell)
{
	struct admin_options *o = &a->opt;
	int rc;

	memset(t, 0, sizeof(*t));
	if (o->user) {
		t->user = o->user;
	} else if (o->from_stdin) {
		if (read_first_line(a, t) < 0)
			return -1;
	} else {
		if (o->argc < 1)
			return cc_fail(&a->err, CC_ERR_USAGE, "give a CHAT_ID, --stdin or --user NAME");
		/* Validate the operand like every other command does. */
		rc = admin_read_target_text(a, t, o->argv[0]);
		if (rc < 0)
			return -1;
		o->argv++, o->argc--;
	}
	if (!o->user && o->from_stdin && admin_check_chat_id(a, t) < 0)
		return -1;
	if (o->argc > 0 && strcmp(o->argv[0], "--") == 0)
		o->argv++, o->argc--;
	if (shell && o->argc > 0)
		return cc_fail(&a->err, CC_ERR_USAGE, "shell takes no command; use 'run' to run one");
	if (!shell && o->argc == 0)
		return cc_fail(&a->err, CC_ERR_USAGE, "run needs a command after the chat");
	return 0;
}
