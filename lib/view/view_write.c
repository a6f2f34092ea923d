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

/* Point `name` at `target`, replacing whatever was there atomically. */
static int put_link(int view_fd, const char *name, const char *target, struct cc_err *err)
{
	char current[CC_VIEW_PARAMS_MAX];
	char tmp[64 + CC_NAME_MAX];
	ssize_t n;

	if (symlinkat(target, view_fd, name) == 0)
		return 0;
	if (errno != EEXIST)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot publish %s/%s", CC_VIEW_DIR, name);
	n = readlinkat(view_fd, name, current, sizeof(current));
	if (n >= 0 && (size_t)n == strlen(target) && memcmp(current, target, (size_t)n) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), ".tmp.%ld.%s", (long)getpid(), name);
	unlinkat(view_fd, tmp, 0);
	if (symlinkat(target, view_fd, tmp) < 0 || renameat(view_fd, tmp, view_fd, name) < 0) {
		int saved = errno;

		unlinkat(view_fd, tmp, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot publish %s/%s", CC_VIEW_DIR, name);
	}
	return 0;
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

int cc_view_publish_chat(int view_fd, const char *name, uint32_t uid, struct cc_err *err)
{
	char entry[16 + CC_NAME_MAX], target[16];

	snprintf(entry, sizeof(entry), "%s%u", CC_VIEW_BY_UID, uid);
	if (put_link(view_fd, entry, name, err) < 0)
		return -1;
	snprintf(entry, sizeof(entry), "%s%s", CC_VIEW_BY_NAME, name);
	snprintf(target, sizeof(target), "%u", uid);
	return put_link(view_fd, entry, target, err);
}

int cc_view_unpublish_chat(int view_fd, const char *name, uint32_t uid, struct cc_err *err)
{
	char entry[16 + CC_NAME_MAX];

	snprintf(entry, sizeof(entry), "%s%s", CC_VIEW_BY_NAME, name);
	if (drop_link(view_fd, entry, err) < 0)
		return -1;
	snprintf(entry, sizeof(entry), "%s%u", CC_VIEW_BY_UID, uid);
	return drop_link(view_fd, entry, err);
}

int cc_view_sync(int view_fd, struct cc_err *err)
{
	if (fsync(view_fd) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot sync %s", CC_VIEW_DIR);
	return 0;
}
