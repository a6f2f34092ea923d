/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fs/remove_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/grow.h"

struct level {
	dev_t dev;
	ino_t ino;
	char *name; /* this directory's name inside its parent */
};

struct walk {
	struct level *levels;
	size_t depth;
	size_t capacity;
};

static int push(struct walk *w, int fd, const char *name)
{
	struct level *grown;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -1;
	grown = cc_grow(w->levels, &w->capacity, w->depth, sizeof(*w->levels), 16);
	if (!grown) {
		errno = ENOMEM;
		return -1;
	}
	w->levels = grown;
	w->levels[w->depth].dev = st.st_dev;
	w->levels[w->depth].ino = st.st_ino;
	w->levels[w->depth].name = strdup(name);
	if (!w->levels[w->depth].name)
		return -1;
	w->depth++;
	return 0;
}

/* Empty the directory `fd` of everything but subdirectories that are not
 * empty; return the name of the first such subdirectory in *subdir (caller
 * frees), or NULL when `fd` is now empty. */
static int sweep(int fd, char **subdir)
{
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	struct dirent *de;
	DIR *dir;

	*subdir = NULL;
	if (dup_fd < 0)
		return -1;
	dir = fdopendir(dup_fd);
	if (!dir) {
		close(dup_fd);
		return -1;
	}
	rewinddir(dir);
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM)
			goto fail;
		if (unlinkat(fd, de->d_name, AT_REMOVEDIR) == 0 || errno == ENOENT)
			continue;
		if (errno != ENOTEMPTY && errno != EEXIST)
			goto fail;
		*subdir = strdup(de->d_name);
		if (!*subdir)
			goto fail;
		break;
	}
	closedir(dir);
	return 0;
fail:
	{
		int saved = errno;

		closedir(dir);
		errno = saved;
	}
	return -1;
}

static int remove_tree(int parent_fd, const char *name)
{
	struct walk w = {0};
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc = -1, saved;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOTDIR || errno == ELOOP) /* a file or a link: just unlink it */
			return unlinkat(parent_fd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
		return -1;
	}
	if (push(&w, fd, name) < 0)
		goto out;
	while (w.depth > 0) {
		char *subdir;
		int next;

		if (sweep(fd, &subdir) < 0)
			goto out;
		if (subdir) {
			next = openat(fd, subdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0 || push(&w, next, subdir) < 0) {
				saved = errno;
				if (next >= 0)
					close(next);
				free(subdir);
				errno = saved;
				goto out;
			}
			free(subdir);
			close(fd);
			fd = next;
			continue;
		}
		/* This level is empty: go up and remove it. */
		if (w.depth == 1) {
			close(fd);
			fd = -1;
			rc = unlinkat(parent_fd, w.levels[0].name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -1 : 0;
			goto out;
		} else {
			struct stat st;
			struct level *up = &w.levels[w.depth - 2];
			int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (parent < 0)
				goto out;
			if (fstat(parent, &st) < 0 || st.st_dev != up->dev || st.st_ino != up->ino) {
				close(parent);
				errno = ESTALE; /* something moved the tree while we removed it */
				goto out;
			}
			close(fd);
			fd = parent;
			w.depth--;
			if (unlinkat(fd, w.levels[w.depth].name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
				free(w.levels[w.depth].name);
				goto out;
			}
			free(w.levels[w.depth].name);
		}
	}
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < w.depth; i++)
		free(w.levels[i].name);
	free(w.levels);
	errno = saved;
	return rc;
}

int cc_remove_tree_at(int parent_fd, const char *name)
{
	return remove_tree(parent_fd, name) < 0 ? -errno : 0;
}
