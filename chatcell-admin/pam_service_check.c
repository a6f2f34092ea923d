/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pam_service_check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cleanup.h"
#include "base/sizes.h"
#include "base/text_copy.h"
#include "base/trusted_dir.h"

#define INCLUDE_DEPTH_MAX 8
#define INCLUDES_MAX 64 /* files waiting to be checked */
/* libpam reads a line in pieces of this many bytes: what a longer one
 * includes cannot be told the way libpam will read it. */
#define PAM_LINE_MAX 1023

/* A file to check: its path (absolute, or a name in CHATCELL_PAM_DIR for
 * the service's own two), the path of the file that includes it ("" for
 * none), and how many includes down it is. */
#define HERE_MAX (CC_PATH_MAX + sizeof(CHATCELL_PAM_DIR) + 2)
struct pending_file {
	char path[CC_PATH_MAX + 1], from[HERE_MAX];
	int depth;
};

/* The directory of the absolute `path` (each directory down to it root's
 * alone, cc_open_trusted_dir), its last name in *base; or -1. */
static int open_parent(const char *path, const char **base, struct cc_err *err)
{
	const char *slash = strrchr(path, '/');
	char parent[CC_PATH_MAX + 1];

	cc_copy(parent, sizeof(parent), path);
	parent[slash == path ? 1 : slash - path] = '\0';
	*base = slash + 1;
	return cc_open_trusted_dir(parent, 0, err);
}

/* The open file, root's alone, in a directory (and each one above it)
 * root's alone; or -1 (0 for an optional one missing, with *fd -1). */
static int open_checked(int pam_dir, const struct pending_file *p, bool required, int *fd, struct cc_err *err)
{
	char what[CC_PATH_MAX + HERE_MAX + 32];
	cc_cleanup_close int dir = -1;
	const char *base = p->path;
	struct stat st;

	*fd = -1;
	if (p->depth == 0) {
		snprintf(what, sizeof(what), "%s/%s", CHATCELL_PAM_DIR, p->path);
		dir = dup(pam_dir);
	} else {
		snprintf(what, sizeof(what), "%s, included from %s,", p->path, p->from);
		dir = open_parent(p->path, &base, err);
		if (dir < 0) {
			cc_err_prefix(err, "%s ", what);
			return -1;
		}
	}
	if (dir < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s", CHATCELL_PAM_DIR);
	*fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT && !required)
		return 0;
	if (*fd < 0 && errno == ENOENT)
		return p->depth ? cc_fail(err, CC_ERR_CONFIG, "%s does not exist", what)
				: cc_fail(err, CC_ERR_CONFIG,
					  "%s does not exist: it is the PAM service of run and shell; reinstall chatcell", what);
	if (*fd < 0 && errno == ELOOP)
		return cc_fail(err, CC_ERR_PERMISSION, "%s is a symbolic link: name the file it leads to", what);
	if (*fd < 0 || fstat(*fd, &st) < 0)
		return cc_fail_errno(err, CC_ERR_CONFIG, errno, "cannot open %s", what);
	if (!cc_root_only_file(&st))
		return cc_fail(err, CC_ERR_PERMISSION,
			       "%s must be a regular file owned by root and not writable by group or others (owner "
			       "uid %u, mode %04o): root runs the modules it names (fix with: chown root:root %s%s%s && "
			       "chmod 644 %s%s%s)",
			       what, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), p->depth ? "" : CHATCELL_PAM_DIR,
			       p->depth ? "" : "/", p->path, p->depth ? "" : CHATCELL_PAM_DIR, p->depth ? "" : "/", p->path);
	return 0;
}

/* The module a line names by path: root runs it in every run and shell.
 * An absolute path must be root's file alone in directories root's alone;
 * a relative one with a '/' is refused (libpam puts its module directory
 * in front and follows "..", so it may lead anywhere); a plain name is
 * one of the system's modules. */
static int check_module(const char *module, const char *here, unsigned n, struct cc_err *err)
{
	const char *slash = strrchr(module, '/'), *base;
	cc_cleanup_close int dir = -1, fd = -1;
	struct stat st;

	if (!slash)
		return 0;
	if (module[0] != '/' || strstr(module, "/../") || strcmp(slash, "/..") == 0)
		return cc_fail(err, CC_ERR_CONFIG,
			       "line %u of %s names the module %s by a relative path or through '..', which may lead out "
			       "of libpam's module directory: give its plain name or its absolute path",
			       n, here, module);
	if (strlen(module) > CC_PATH_MAX)
		return cc_fail(err, CC_ERR_CONFIG, "line %u of %s names a module whose path is longer than %d bytes", n,
			       here, CC_PATH_MAX);
	dir = open_parent(module, &base, err);
	if (dir < 0) {
		cc_err_prefix(err, "the module %s, named on line %u of %s: ", module, n, here);
		return -1;
	}
	fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0; /* libpam says so when it loads it */
	if (fd < 0 || fstat(fd, &st) < 0)
		return cc_fail_errno(err, CC_ERR_CONFIG, errno, "cannot open the module %s, named on line %u of %s", module,
				     n, here);
	if (!cc_root_only_file(&st))
		return cc_fail(err, CC_ERR_PERMISSION,
			       "the module %s, named on line %u of %s, must be a regular file owned by root and not "
			       "writable by group or others (owner uid %u, mode %04o): root runs it",
			       module, n, here, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* What line `n` of the file at `here` includes (@include NAME, or include
 * or substack as its control, as libpam reads them: without case, with or
 * without a leading '-'): 1 with *name in `line`, 0 for nothing, or -1
 * when it cannot be told the way libpam will read it, or names a file by
 * a relative path (libpam looks for that in /etc/pam.d, not here). A
 * module named by path is checked (check_module). */
static int included_name(char *line, const char *here, unsigned n, char **name, struct cc_err *err)
{
	char *words[3], *at = line, *end;
	int count = 0;

	*name = NULL;
	if (strlen(line) >= PAM_LINE_MAX)
		return cc_fail(err, CC_ERR_CONFIG,
			       "line %u of %s is longer than libpam reads at once (%d bytes): chatcell cannot tell what "
			       "it includes; shorten it",
			       n, here, PAM_LINE_MAX);
	line[strcspn(line, "#")] = '\0';
	end = line + strlen(line);
	while (end > line && strchr(" \t\n", end[-1]))
		*--end = '\0';
	if (end > line && end[-1] == '\\')
		return cc_fail(err, CC_ERR_CONFIG,
			       "line %u of %s goes on to the next ('\\'): join the two, so that chatcell can tell what it "
			       "includes",
			       n, here);
	while (count < 3) {
		at += strspn(at, " \t");
		if (!*at)
			break;
		words[count++] = at;
		if (*at == '[') { /* [value=action ...] may hold blanks */
			char *close = strchr(at, ']');

			at = close ? close + 1 : at + strlen(at);
		} else {
			at += strcspn(at, " \t");
		}
		if (*at)
			*at++ = '\0';
	}
	if (count == 0)
		return 0;
	if (strchr(words[0], '['))
		return cc_fail(err, CC_ERR_CONFIG, "line %u of %s has a '[' in its type: chatcell cannot tell what it includes",
			       n, here);
	if (count >= 2 && strcasecmp(words[0] + (words[0][0] == '-'), "@include") == 0)
		*name = words[1];
	else if (count == 3 && (strcasecmp(words[1], "include") == 0 || strcasecmp(words[1], "substack") == 0))
		*name = words[2];
	else
		return count == 3 ? check_module(words[2], here, n, err) : 0;
	if ((*name)[0] != '/')
		return cc_fail(err, CC_ERR_CONFIG,
			       "%s includes %s by a relative name, which libpam looks for in /etc/pam.d, not in %s: give "
			       "its absolute path",
			       here, *name, CHATCELL_PAM_DIR);
	if (strlen(*name) > CC_PATH_MAX)
		return cc_fail(err, CC_ERR_CONFIG, "%s includes a file whose path is longer than %d bytes", here, CC_PATH_MAX);
	return 1;
}

/* The includes of the open file `f` (at path `here`, `depth` includes
 * down), queued. */
static int queue_includes(FILE *f, const char *here, int depth, struct pending_file *queue, size_t *count,
			  struct cc_err *err)
{
	char *line = NULL, *name;
	size_t cap = 0;
	unsigned n = 0;
	int rc = 0;

	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		rc = included_name(line, here, ++n, &name, err);
		if (rc <= 0)
			continue;
		rc = 0;
		if (depth == INCLUDE_DEPTH_MAX || *count == INCLUDES_MAX) {
			rc = cc_fail(err, CC_ERR_CONFIG,
				     "%s includes files more than %d deep, or more than %d in all: chatcell checks no "
				     "further",
				     here, INCLUDE_DEPTH_MAX, INCLUDES_MAX);
			break;
		}
		cc_copy(queue[*count].path, sizeof(queue[*count].path), name);
		cc_copy(queue[*count].from, sizeof(queue[*count].from), here);
		queue[(*count)++].depth = depth + 1;
	}
	free(line);
	return rc;
}

/* `name` of CHATCELL_PAM_DIR and every file it includes. */
static int check_stack(int pam_dir, const char *name, bool required, struct cc_err *err)
{
	struct pending_file *queue = calloc(INCLUDES_MAX + 1, sizeof(*queue));
	size_t count = 1;
	int rc = 0;

	if (!queue)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "checking the PAM service");
	cc_copy(queue[0].path, sizeof(queue[0].path), name);
	while (rc == 0 && count > 0) {
		struct pending_file p = queue[--count];
		char here[HERE_MAX];
		FILE *f;
		int fd;

		rc = open_checked(pam_dir, &p, p.depth || required, &fd, err);
		if (rc < 0 || fd < 0) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (p.depth)
			cc_copy(here, sizeof(here), p.path);
		else
			snprintf(here, sizeof(here), "%s/%s", CHATCELL_PAM_DIR, p.path);
		f = fdopen(fd, "r");
		if (!f) {
			close(fd);
			rc = cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot read %s", here);
			continue;
		}
		rc = queue_includes(f, here, p.depth, queue, &count, err);
		fclose(f);
	}
	free(queue);
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
