/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pam_service_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/sizes.h"
#include "base/text_copy.h"
#include "base/trusted_dir.h"

/* libpam stops a stack of includes deeper than this, too. */
#define INCLUDE_DEPTH_MAX 8
#define INCLUDES_MAX 64 /* files waiting to be checked */

/* `name` as libpam finds it: a file of the directory, or an absolute path. */
static void path_of(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s%s%s", name[0] == '/' ? "" : CHATCELL_PAM_DIR, name[0] == '/' ? "" : "/", name);
}

/* The open file, root's alone; or -1 (0 for an optional one missing,
 * with *fd -1). `from`: the file that includes it, or NULL. */
static int open_checked(int dir, const char *name, const char *from, bool required, int *fd, struct cc_err *err)
{
	char path[CC_PATH_MAX + 64], what[3 * CC_PATH_MAX];
	struct stat st;

	path_of(path, sizeof(path), name);
	snprintf(what, sizeof(what), "%s%s%s", path, from ? ", included from " : "", from ? from : "");
	*fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT && !required)
		return 0;
	if (*fd < 0 && errno == ENOENT)
		return cc_fail(err, CC_ERR_CONFIG, "%s does not exist: %s; reinstall chatcell", what,
			       from ? "the PAM service of run and shell includes it" : "it is the PAM service of run and shell");
	if (*fd < 0 || fstat(*fd, &st) < 0)
		return cc_fail_errno(err, CC_ERR_CONFIG, errno, "cannot open %s", what);
	if (!cc_root_only_file(&st))
		return cc_fail(err, CC_ERR_PERMISSION,
			       "%s must be a regular file owned by root and not writable by group or others (owner "
			       "uid %u, mode %04o): root runs the modules it names (fix with: chown root:root %s && "
			       "chmod 644 %s)",
			       what, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), path, path);
	return 0;
}

/* The file a configuration line includes (@include NAME, or a control of
 * include or substack), or NULL. `line` is cut into words. */
static char *included_name(char *line)
{
	char *words[3], *at = line;
	int n = 0;

	line[strcspn(line, "#")] = '\0';
	while (n < 3) {
		at += strspn(at, " \t\n");
		if (!*at)
			break;
		words[n++] = at;
		if (*at == '[') { /* [value=action ...] may hold blanks */
			char *end = strchr(at, ']');

			at = end ? end + 1 : at + strlen(at);
		} else {
			at += strcspn(at, " \t\n");
		}
		if (*at)
			*at++ = '\0';
	}
	if (n >= 2 && strcmp(words[0], "@include") == 0)
		return words[1];
	if (n == 3 && (strcmp(words[1], "include") == 0 || strcmp(words[1], "substack") == 0))
		return words[2];
	return NULL;
}

/* A file to check, and the path of the file that includes it. */
struct pending_file {
	char name[CC_PATH_MAX + 1], from[CC_PATH_MAX + 64];
	int depth;
};

/* The includes of the open file `f` (at path `here`, `depth` includes
 * down), queued. */
static int queue_includes(FILE *f, const char *here, int depth, struct pending_file *queue, size_t *count,
			  struct cc_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		const char *inner = included_name(line);
		struct pending_file *next = &queue[*count];

		if (!inner)
			continue;
		if (depth == INCLUDE_DEPTH_MAX || *count == INCLUDES_MAX)
			rc = cc_fail(err, CC_ERR_CONFIG, "%s includes more than %d files, or %d deep; libpam stops sooner",
				     here, INCLUDES_MAX, INCLUDE_DEPTH_MAX);
		else if (strlen(inner) > CC_PATH_MAX)
			rc = cc_fail(err, CC_ERR_CONFIG, "%s includes a file whose name is longer than %d bytes", here,
				     CC_PATH_MAX);
		if (rc == 0) {
			memcpy(next->name, inner, strlen(inner) + 1);
			cc_copy(next->from, sizeof(next->from), here);
			next->depth = depth + 1;
			(*count)++;
		}
	}
	free(line);
	return rc;
}

/* `name` and every file it includes, to INCLUDE_DEPTH_MAX. */
static int check_stack(int dir, const char *name, bool required, struct cc_err *err)
{
	static struct pending_file queue[INCLUDES_MAX + 1];
	size_t count = 1;
	int rc = 0;

	memcpy(queue[0].name, name, strlen(name) + 1);
	queue[0].from[0] = '\0';
	queue[0].depth = 0;
	while (rc == 0 && count > 0) {
		struct pending_file p = queue[--count];
		char here[CC_PATH_MAX + 64];
		FILE *f;
		int fd;

		if (open_checked(dir, p.name, p.depth ? p.from : NULL, p.depth ? true : required, &fd, err) < 0) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (fd < 0)
			continue;
		f = fdopen(fd, "r");
		if (!f) {
			close(fd);
			return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read %s", p.name);
		}
		path_of(here, sizeof(here), p.name);
		rc = queue_includes(f, here, p.depth, queue, &count, err);
		fclose(f);
	}
	return rc;
}

int pam_service_check(struct cc_err *err)
{
	cc_cleanup_close int dir = cc_open_trusted_dir(CHATCELL_PAM_DIR, 0, err);

	if (dir < 0)
		return -1;
	if (check_stack(dir, "chatcell", true, err) < 0)
		return -1;
	return check_stack(dir, "other", false, err);
}
