/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* setpwent/getpwent_r/endpwent and the group equivalents: a walk over the
 * view's "u.<uid>" entries. The directory stream is the only state held
 * between calls; it is opened O_CLOEXEC and lives from set*ent to end*ent,
 * like nss_files' stream. An entry is consumed only once it was packed, so
 * an ERANGE retry loses nothing; lookups never touch this state. */
#include "nss_chatcell.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "view/nss_record.h"
#include "view/view_read.h"

struct enumeration {
	pthread_mutex_t lock;
	DIR *dir;
	struct cc_view_params params;
	bool have_pending;
	uint32_t pending_id;
	char pending_name[CC_NAME_MAX + 1];
};

static struct enumeration users = {.lock = PTHREAD_MUTEX_INITIALIZER};
static struct enumeration groups = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void enumeration_close(struct enumeration *e)
{
	if (e->dir)
		closedir(e->dir);
	e->dir = NULL;
	e->have_pending = false;
}

/* Returns 0, or a negative errno with nothing open. */
static int enumeration_open(struct enumeration *e)
{
	int fd, r;

	enumeration_close(e);
	r = cc_view_check_dir();
	if (r == 0)
		r = cc_view_read_params(&e->params);
	if (r < 0)
		return r;
	fd = open(CC_VIEW_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	e->dir = fdopendir(fd);
	if (!e->dir) {
		r = -errno;
		close(fd);
		return r;
	}
	return 0;
}

/* Advance to the next well-formed chat entry; false at the end. */
static bool enumeration_fill_pending(struct enumeration *e)
{
	struct dirent *de;

	while ((de = readdir(e->dir))) {
		if (cc_view_read_uid_entry_at(dirfd(e->dir), de->d_name, &e->params, &e->pending_id,
					      e->pending_name) == 0) {
			e->have_pending = true;
			return true;
		}
	}
	return false;
}

typedef int (*packer_fn)(struct enumeration *e, void *record, char *buf, size_t buf_len);

static enum nss_status enumeration_next(struct enumeration *e, packer_fn pack, void *record, char *buf,
					size_t buf_len, int *errnop)
{
	enum nss_status status = NSS_STATUS_SUCCESS;
	int r;

	pthread_mutex_lock(&e->lock);
	if (!e->dir && (r = enumeration_open(e)) < 0) {
		status = cc_nss_status_from_error(r, errnop);
		if (status == NSS_STATUS_NOTFOUND)
			*errnop = ENOENT;
		goto out;
	}
	if (!e->have_pending && !enumeration_fill_pending(e)) {
		*errnop = ENOENT;
		status = NSS_STATUS_NOTFOUND;
		goto out;
	}
	if (pack(e, record, buf, buf_len) < 0) {
		status = cc_nss_buffer_too_small(errnop);
		goto out;
	}
	e->have_pending = false;
out:
	pthread_mutex_unlock(&e->lock);
	return status;
}

static enum nss_status enumeration_start(struct enumeration *e)
{
	int r;

	pthread_mutex_lock(&e->lock);
	r = enumeration_open(e);
	pthread_mutex_unlock(&e->lock);
	/* Nothing to enumerate is not an error for set*ent. */
	return r < 0 && r != -ENOENT ? NSS_STATUS_UNAVAIL : NSS_STATUS_SUCCESS;
}

static enum nss_status enumeration_end(struct enumeration *e)
{
	pthread_mutex_lock(&e->lock);
	enumeration_close(e);
	pthread_mutex_unlock(&e->lock);
	return NSS_STATUS_SUCCESS;
}

static int pack_user(struct enumeration *e, void *record, char *buf, size_t buf_len)
{
	return cc_pack_passwd(e->pending_name, e->pending_id, &e->params, record, buf, buf_len);
}

static int pack_group(struct enumeration *e, void *record, char *buf, size_t buf_len)
{
	return cc_pack_group(e->pending_name, e->pending_id, record, buf, buf_len);
}

enum nss_status _nss_chatcell_setpwent(int stay_open)
{
	CC_PROTECT_ERRNO;

	return enumeration_start(&users);
}

enum nss_status _nss_chatcell_getpwent_r(struct passwd *pw, char *buf, size_t buf_len, int *errnop)
{
	CC_PROTECT_ERRNO;

	return enumeration_next(&users, pack_user, pw, buf, buf_len, errnop);
}

enum nss_status _nss_chatcell_endpwent(void)
{
	CC_PROTECT_ERRNO;

	return enumeration_end(&users);
}

enum nss_status _nss_chatcell_setgrent(int stay_open)
{
	CC_PROTECT_ERRNO;

	return enumeration_start(&groups);
}

enum nss_status _nss_chatcell_getgrent_r(struct group *gr, char *buf, size_t buf_len, int *errnop)
{
	CC_PROTECT_ERRNO;

	return enumeration_next(&groups, pack_group, gr, buf, buf_len, errnop);
}

enum nss_status _nss_chatcell_endgrent(void)
{
	CC_PROTECT_ERRNO;

	return enumeration_end(&groups);
}
