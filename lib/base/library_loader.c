/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/library_loader.h"
#include "base/trusted_dir.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int cc_load_library(const char *path, const char *const *names, size_t count, void **symbols, const char **why)
{
	struct stat st;
	void *lib;

	if (stat(path, &st) < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (!cc_root_only_file(&st)) {
		*why = "it must be a regular file owned by root and not writable by group or others";
		return -1;
	}
	lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		*why = dlerror();
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		symbols[i] = dlsym(lib, names[i]);
		if (!symbols[i]) {
			*why = "it is not chatcell's library (a symbol is missing)";
			return -1;
		}
	}
	return 0;
}
