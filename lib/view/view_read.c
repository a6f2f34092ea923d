/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "view/view_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cc_view_check_dir(void)
{
	struct stat st;

	if (stat(CC_VIEW_DIR, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		return -EPERM;
	return 0;
}

/* readlinkat into buf (size buf_len), NUL-terminated; a target that fills
 * the buffer is treated as malformed. */
static int read_link_at(int dirfd, const char *path, char *buf, size_t buf_len)
{
	ssize_t n = readlinkat(dirfd, path, buf, buf_len);

	if (n < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : errno == EINVAL ? -EINVAL : -errno;
	if ((size_t)n >= buf_len)
		return -EINVAL;
	buf[n] = '\0';
	return 0;
}

int cc_view_read_params(struct cc_view_params *params)
{
	char text[CC_VIEW_PARAMS_MAX];
	int r = read_link_at(AT_FDCWD, CC_VIEW_DIR "/" CC_VIEW_PARAMS, text, sizeof(text));

	if (r < 0)
		return r;
	return cc_view_params_parse(text, params) < 0 ? -EINVAL : 0;
}

static int open_view(struct cc_view_params *params)
{
	int r = cc_view_check_dir();

	return r < 0 ? r : cc_view_read_params(params);
}

int cc_view_lookup_name(const char *name, struct cc_view_params *params, uint32_t *uid)
{
	char path[sizeof(CC_VIEW_DIR) + sizeof(CC_VIEW_BY_NAME) + CC_NAME_MAX + 1];
	char target[16];
	int r = open_view(params);

	if (r < 0)
		return r;
	if (!cc_view_name_matches_prefix(name, params->prefix))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s%s", CC_VIEW_DIR, CC_VIEW_BY_NAME, name);
	r = read_link_at(AT_FDCWD, path, target, sizeof(target));
	if (r < 0)
		return r;
	if (cc_view_parse_uid(target, params->uid_min, params->uid_max, uid) < 0)
		return -EINVAL;
	return 0;
}

static int check_name_record(const char *name, const struct cc_view_params *params)
{
	if (!cc_view_name_has_chat_shape(name) || !cc_view_name_matches_prefix(name, params->prefix))
		return -EINVAL;
	return 0;
}

int cc_view_lookup_uid(uint32_t uid, struct cc_view_params *params, char name[CC_NAME_MAX + 1])
{
	char path[sizeof(CC_VIEW_DIR) + sizeof(CC_VIEW_BY_UID) + 16];
	int r = open_view(params);

	if (r < 0)
		return r;
	if (uid < params->uid_min || uid > params->uid_max)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s%u", CC_VIEW_DIR, CC_VIEW_BY_UID, uid);
	r = read_link_at(AT_FDCWD, path, name, CC_NAME_MAX + 1);
	if (r < 0)
		return r;
	return check_name_record(name, params);
}

int cc_view_read_uid_entry_at(int dirfd, const char *entry, const struct cc_view_params *params, uint32_t *uid,
			      char name[CC_NAME_MAX + 1])
{
	int r;

	if (strncmp(entry, CC_VIEW_BY_UID, strlen(CC_VIEW_BY_UID)) != 0 ||
	    cc_view_parse_uid(entry + strlen(CC_VIEW_BY_UID), params->uid_min, params->uid_max, uid) < 0)
		return -EINVAL;
	r = read_link_at(dirfd, entry, name, CC_NAME_MAX + 1);
	if (r < 0)
		return r;
	return check_name_record(name, params);
}

int cc_view_read_name_entry_at(int dirfd, const char *entry, const struct cc_view_params *params,
			       char name[CC_NAME_MAX + 1], uint32_t *uid)
{
	char target[16];
	const char *after = entry + strlen(CC_VIEW_BY_NAME);
	int r;

	if (strncmp(entry, CC_VIEW_BY_NAME, strlen(CC_VIEW_BY_NAME)) != 0 || strlen(after) > CC_NAME_MAX ||
	    check_name_record(after, params) < 0)
		return -EINVAL;
	r = read_link_at(dirfd, entry, target, sizeof(target));
	if (r < 0)
		return r;
	if (cc_view_parse_uid(target, params->uid_min, params->uid_max, uid) < 0)
		return -EINVAL;
	memcpy(name, after, strlen(after) + 1);
	return 0;
}
