/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libnss_chatcell.so.2: chat users and their user-private groups, served
 * from the public view that chatcell-admin publishes. Names and UIDs that
 * cannot be chats are refused before any system call, so the module costs
 * nothing for the host's other users. */
#include "nss_chatcell.h"

#include <grp.h>
#include <pwd.h>

#include "view/nss_record.h"
#include "view/view_read.h"

enum nss_status cc_nss_status_from_error(int r, int *errnop)
{
	if (r == -ENOENT)
		return NSS_STATUS_NOTFOUND;
	*errnop = -r;
	return NSS_STATUS_UNAVAIL;
}

enum nss_status cc_nss_buffer_too_small(int *errnop)
{
	*errnop = ERANGE;
	return NSS_STATUS_TRYAGAIN;
}

enum nss_status _nss_chatcell_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buf_len,
					 int *errnop)
{
	CC_PROTECT_ERRNO;
	struct cc_view_params params;
	uint32_t uid;
	int r;

	if (!name || !cc_view_name_has_chat_shape(name))
		return NSS_STATUS_NOTFOUND;
	r = cc_view_lookup_name(name, &params, &uid);
	if (r < 0)
		return cc_nss_status_from_error(r, errnop);
	if (cc_pack_passwd(name, uid, &params, pw, buf, buf_len) < 0)
		return cc_nss_buffer_too_small(errnop);
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_chatcell_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t buf_len, int *errnop)
{
	CC_PROTECT_ERRNO;
	struct cc_view_params params;
	char name[CC_NAME_MAX + 1];
	int r;

	if (!cc_view_uid_in_envelope(uid))
		return NSS_STATUS_NOTFOUND;
	r = cc_view_lookup_uid(uid, &params, name);
	if (r < 0)
		return cc_nss_status_from_error(r, errnop);
	if (cc_pack_passwd(name, uid, &params, pw, buf, buf_len) < 0)
		return cc_nss_buffer_too_small(errnop);
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_chatcell_getgrnam_r(const char *name, struct group *gr, char *buf, size_t buf_len,
					 int *errnop)
{
	CC_PROTECT_ERRNO;
	struct cc_view_params params;
	uint32_t gid;
	int r;

	if (!name || !cc_view_name_has_chat_shape(name))
		return NSS_STATUS_NOTFOUND;
	r = cc_view_lookup_name(name, &params, &gid);
	if (r < 0)
		return cc_nss_status_from_error(r, errnop);
	if (cc_pack_group(name, gid, gr, buf, buf_len) < 0)
		return cc_nss_buffer_too_small(errnop);
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_chatcell_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t buf_len, int *errnop)
{
	CC_PROTECT_ERRNO;
	struct cc_view_params params;
	char name[CC_NAME_MAX + 1];
	int r;

	if (!cc_view_uid_in_envelope(gid))
		return NSS_STATUS_NOTFOUND;
	r = cc_view_lookup_uid(gid, &params, name);
	if (r < 0)
		return cc_nss_status_from_error(r, errnop);
	if (cc_pack_group(name, gid, gr, buf, buf_len) < 0)
		return cc_nss_buffer_too_small(errnop);
	return NSS_STATUS_SUCCESS;
}

/* Chats belong to no group but their own, which glibc adds itself as the
 * primary group; answering here keeps initgroups() from enumerating every
 * chat group on each login. */
enum nss_status _nss_chatcell_initgroups_dyn(const char *user, gid_t group, long int *start, long int *size,
					     gid_t **groupsp, long int limit, int *errnop)
{
	return NSS_STATUS_NOTFOUND;
}
