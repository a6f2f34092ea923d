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

#define SHIMS_MAX 512

static const char *const search_dirs[] = {"/usr/local/bin", "/usr/bin", "/bin"};

static bool valid_command_name(const char *name)
{
	if (!*name || strlen(name) > 64 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '_' || *p == '-' || *p == '+'))
			return false;
	return true;
}

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

static int read_list(const char *list_path, char names[][65], unsigned *count, struct cc_err *err)
{
	char line[256];
	unsigned lineno = 0;
	FILE *f = fopen(list_path, "re");

	*count = 0;
	if (!f)
		return errno == ENOENT ? 0 : cc_fail_errno(err, CC_ERR_CONFIG, errno, "cannot read %s", list_path);
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL;

		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		for (char *name = strtok_r(line, " \t", &save); name; name = strtok_r(NULL, " \t", &save)) {
			if (!valid_command_name(name) || *count == SHIMS_MAX) {
				fclose(f);
				return cc_fail(err, CC_ERR_CONFIG,
					       "%s:%u: expected command names (at most %d in all), got '%s'", list_path,
					       lineno, SHIMS_MAX, name);
			}
			snprintf(names[(*count)++], 65, "%s", name);
		}
	}
	fclose(f);
	return 0;
}

static bool listed(char names[][65], unsigned count, const char *name)
{
	for (unsigned i = 0; i < count; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* Drop links that the list no longer names (or that are not links). */
static int remove_stale(int dir_fd, char names[][65], unsigned count, struct cc_shims_report *report)
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
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 || listed(names, count, de->d_name))
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
	static char names[SHIMS_MAX][65];
	unsigned count;
	int dir_fd, rc = 0;

	memset(report, 0, sizeof(*report));
	if (read_list(list_path, names, &count, err) < 0)
		return -1;
	dir_fd = cc_open_trusted_dir(config->shims_dir, 0755, err);
	if (dir_fd < 0)
		return -1;
	if (remove_stale(dir_fd, names, count, report) < 0)
		rc = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read %s", config->shims_dir);
	for (unsigned i = 0; rc == 0 && i < count; i++) {
		char target[PATH_MAX];
		int found = find_command(names[i], target, sizeof(target));

		if (found <= 0) {
			/* Absent or privileged: make sure no old link survives. */
			unlinkat(dir_fd, names[i], 0);
			if (found < 0)
				report->privileged++;
			else
				report->missing++;
			continue;
		}
		unlinkat(dir_fd, names[i], 0);
		if (symlinkat(target, dir_fd, names[i]) < 0)
			rc = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot link %s/%s", config->shims_dir, names[i]);
		else
			report->linked++;
	}
	close(dir_fd);
	return rc;
}
