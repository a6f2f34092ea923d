/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "view/view_write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/text_copy.h"
#include "base/trusted_dir.h"
#include "view/view_format.h"

int cc_view_open_dir(int state_dirfd, const char *state_dir, int create, struct cc_err *err)
{
	return cc_open_trusted_subdir(state_dirfd, state_dir, "nss", create ? 0755 : 0, err);
}

/* Does `name` point at `target` already? */
static bool link_is(int view_fd, const char *name, const char *target)
{
	char current[CC_VIEW_PARAMS_MAX];
	ssize_t n = readlinkat(view_fd, name, current, sizeof(current));

	return n >= 0 && (size_t)n == strlen(target) && memcmp(current, target, (size_t)n) == 0;
}

/* Point `name` at `target`, replacing whatever was there atomically.
 * Returns 1 if it was written, 0 if it was there already. */
static int put_link(int view_fd, const char *name, const char *target, struct cc_err *err)
{
	char tmp[64 + CC_NAME_MAX];

	if (symlinkat(target, view_fd, name) == 0)
		return 1;
	if (errno != EEXIST)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot publish %s/%s", CC_VIEW_DIR, name);
	if (link_is(view_fd, name, target))
		return 0;
	snprintf(tmp, sizeof(tmp), ".tmp.%ld.%s", (long)getpid(), name);
	unlinkat(view_fd, tmp, 0);
	if (symlinkat(target, view_fd, tmp) < 0 || renameat(view_fd, tmp, view_fd, name) < 0) {
		int saved = errno;

		unlinkat(view_fd, tmp, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot publish %s/%s", CC_VIEW_DIR, name);
	}
	return 1;
}

static int drop_link(int view_fd, const char *name, struct cc_err *err)
{
	if (unlinkat(view_fd, name, 0) < 0 && errno != ENOENT)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot remove %s/%s", CC_VIEW_DIR, name);
	return 0;
}

int cc_view_publish_params(int view_fd, const struct cc_config *config, struct cc_err *err)
{
	struct cc_view_params params;
	char text[CC_VIEW_PARAMS_MAX];

	memset(&params, 0, sizeof(params));
	cc_copy(params.prefix, sizeof(params.prefix), config->user_prefix);
	params.uid_min = config->uid_min;
	params.uid_max = config->uid_max;
	cc_copy(params.home_base, sizeof(params.home_base), config->home_base);
	cc_copy(params.shell, sizeof(params.shell), config->shell);
	if (cc_view_params_format(&params, text, sizeof(text)) < 0)
		return cc_fail(err, CC_ERR_CONFIG, "home_base and shell are too long for the NSS view");
	return put_link(view_fd, CC_VIEW_PARAMS, text, err);
}

/* The two entries of a chat: "u.<uid>" -> name, "n.<name>" -> uid. */
struct chat_entries {
	char by_uid[16 + CC_NAME_MAX];
	char by_name[16 + CC_NAME_MAX];
	char uid_text[16];
};

static struct chat_entries chat_entries(const char *name, uint32_t uid)
{
	struct chat_entries e;

	snprintf(e.by_uid, sizeof(e.by_uid), "%s%u", CC_VIEW_BY_UID, uid);
	snprintf(e.by_name, sizeof(e.by_name), "%s%s", CC_VIEW_BY_NAME, name);
	snprintf(e.uid_text, sizeof(e.uid_text), "%u", uid);
	return e;
}

int cc_view_publish_chat(int view_fd, const char *name, uint32_t uid, struct cc_err *err)
{
	struct chat_entries e = chat_entries(name, uid);
	int first, second;

	first = put_link(view_fd, e.by_uid, name, err);
	if (first < 0)
		return -1;
	second = put_link(view_fd, e.by_name, e.uid_text, err);
	return second < 0 ? -1 : first + second;
}

bool cc_view_chat_published(int view_fd, const char *name, uint32_t uid)
{
	struct chat_entries e = chat_entries(name, uid);

	return link_is(view_fd, e.by_uid, name) && link_is(view_fd, e.by_name, e.uid_text);
}

int cc_view_unpublish_chat(int view_fd, const char *name, uint32_t uid, struct cc_err *err)
{
	struct chat_entries e = chat_entries(name, uid);

	if (drop_link(view_fd, e.by_name, err) < 0)
		return -1;
	return drop_link(view_fd, e.by_uid, err);
}

int cc_view_sync(int view_fd, struct cc_err *err)
{
	if (fsync(view_fd) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot sync %s", CC_VIEW_DIR);
	return 0;
}
