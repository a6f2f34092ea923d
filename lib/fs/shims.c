/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fs/shims.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/trusted_dir.h"
#include "fs/shims_list.h"

static const char *const search_dirs[] = {"/usr/local/bin", "/usr/bin", "/bin"};

/* The resolved path of `name` in the search directories, or 0 if absent;
 * -1 if it exists but is privileged. */
static int find_command(const char *name, char *target, size_t target_len)
{
	for (size_t i = 0; i < sizeof(search_dirs) / sizeof(search_dirs[0]); i++) {
		char path[PATH_MAX], resolved[PATH_MAX];
		struct stat st;

		if (snprintf(path, sizeof(path), "%s/%s", search_dirs[i], name) >= (int)sizeof(path) ||
		    !realpath(path, resolved) || stat(resolved, &st) < 0 || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & 0111))
			continue;
		if ((st.st_mode & (S_ISUID | S_ISGID)) || getxattr(resolved, "security.capability", NULL, 0) >= 0)
			return -1;
		snprintf(target, target_len, "%s", resolved);
		return 1;
	}
	return 0;
}

static int read_list(const char *list_path, struct cc_shims_list *list, struct cc_err *err)
{
	FILE *f = fopen(list_path, "re");
	int rc;

	list->count = 0;
	if (!f)
		return errno == ENOENT ? 0 : cc_fail_errno(err, CC_ERR_CONFIG, errno, "cannot read %s", list_path);
	rc = cc_shims_list_read(f, list_path, list, err);
	fclose(f);
	return rc;
}

/* Drop links that the list no longer names (or that are not links). */
static int remove_stale(int dir_fd, const struct cc_shims_list *list, struct cc_shims_report *report)
{
	int fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 || cc_shims_list_has(list, de->d_name))
			continue;
		if (unlinkat(dir_fd, de->d_name, 0) == 0)
			report->removed++;
	}
	closedir(dir);
	return 0;
}

int cc_shims_sync(const struct cc_config *config, const char *list_path, struct cc_shims_report *report,
		  struct cc_err *err)
{
	static struct cc_shims_list list;
	int dir_fd, rc = 0;

	memset(report, 0, sizeof(*report));
	if (read_list(list_path, &list, err) < 0)
		return -1;
	dir_fd = cc_open_trusted_dir(config->shims_dir, 0755, err);
	if (dir_fd < 0)
		return -1;
	if (remove_stale(dir_fd, &list, report) < 0)
		rc = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read %s", config->shims_dir);
	for (unsigned i = 0; rc == 0 && i < list.count; i++) {
		const char *name = list.names[i];
		char target[PATH_MAX];
		int found = find_command(name, target, sizeof(target));

		if (found <= 0) {
			/* Absent or privileged: make sure no old link survives. */
			unlinkat(dir_fd, name, 0);
			if (found < 0)
				report->privileged++;
			else
				report->missing++;
			continue;
		}
		unlinkat(dir_fd, name, 0);
		if (symlinkat(target, dir_fd, name) < 0)
			rc = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot link %s/%s", config->shims_dir, name);
		else
			report->linked++;
	}
	close(dir_fd);
	return rc;
}
