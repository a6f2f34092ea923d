/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* backup DIR: what the host cannot be rebuilt without, in a directory only
 * root can enter: the registry (a consistent copy through sqlite's online
 * backup API, taken while everything goes on) and the host key, each 0600,
 * both checked after writing. The registry records where the last backup
 * went, for the message that asks for the key back (host_key_guard.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "db/registry_copy.h"
#include "db/settings.h"
#include "base/trusted_dir.h"
#include "identity/host_key.h"
#include "json.h"

/* Make DIR (0700) in its trusted parent, or with --force take the one there. */
static int make_dir(struct admin *a, const char *dir)
{
	char parent[CC_PATH_MAX + 1];
	const char *name = strrchr(dir, '/') + 1;
	int parent_fd, fd;
	struct stat st;

	/* dir is simple and absolute (admin_read_dir): "/a/b" -> "/a" and "b" */
	snprintf(parent, sizeof(parent), "%.*s", name - dir > 1 ? (int)(name - dir - 1) : 1, dir);
	parent_fd = cc_open_trusted_dir(parent, 0, &a->err);
	if (parent_fd < 0)
		return -1;
	if (mkdirat(parent_fd, name, 0700) < 0 && (errno != EEXIST || !a->opt.force)) {
		int saved = errno;

		close(parent_fd);
		if (saved == EEXIST)
			return cc_fail(&a->err, CC_ERR_CONFLICT,
				       "%s exists; give a directory that does not exist yet (backup makes it, 0700), or "
				       "--force to replace the backup in it",
				       dir);
		return cc_fail_errno(&a->err, CC_ERR_SYSTEM, saved, "cannot create %s", dir);
	}
	fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(parent_fd);
	if (fd < 0)
		return cc_fail_errno(&a->err, CC_ERR_PERMISSION, errno, "cannot open %s (a link?)", dir);
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || fchmod(fd, 0700) < 0) {
		close(fd);
		return cc_fail(&a->err, CC_ERR_PERMISSION, "%s must be a directory of root's; the backup is not written",
			       dir);
	}
	return fd;
}

/* Read back what was written: both files root's 0600, the registry whole
 * and recording the fingerprint of the key beside it, which is this
 * host's. Sets *chats. */
static int verify(struct admin *a, int dir_fd, const char *dir, const char *fingerprint, int64_t *chats)
{
	char recorded[CC_HOST_KEY_FINGERPRINT_LEN + 1] = "", written[CC_HOST_KEY_FINGERPRINT_LEN + 1];
	uint8_t key[CC_HOST_KEY_LEN];
	struct cc_registry copy;
	int found, rc;

	if (cc_host_key_load(dir_fd, dir, key, &a->err) < 0)
		return -1;
	cc_host_key_fingerprint(key, written);
	explicit_bzero(key, sizeof(key));
	if (cc_registry_open_copy(&copy, dir_fd, dir, CC_REGISTRY_FILE, &a->err) < 0)
		return -1;
	found = cc_settings_get(&copy, CC_SETTING_HOST_KEY, recorded, sizeof(recorded), &a->err);
	rc = found < 0 ? -1 : cc_chats_count(&copy, chats, &a->err);
	cc_registry_close(&copy);
	if (rc < 0)
		return -1;
	if (strcmp(written, fingerprint) != 0 || strcmp(recorded, fingerprint) != 0)
		return cc_fail(&a->err, CC_ERR_SYSTEM,
			       "the backup in %s does not read back as written (host key fingerprint %.16s, in its "
			       "registry %.16s, this host's %.16s); write it again",
			       dir, written, found ? recorded : "none", fingerprint);
	return 0;
}

/* Write the backup into the open directory and check it. */
static int write_backup(struct admin *a, int dir_fd, const char *dir, const char *fingerprint, int64_t *chats)
{
	/* The copy must carry the fingerprint (host_key_guard records it, but
	 * does not insist outside init). */
	if (cc_settings_set(&a->reg, CC_SETTING_HOST_KEY, fingerprint, &a->err) < 0 ||
	    cc_registry_copy_out(&a->reg, dir_fd, dir, CC_REGISTRY_FILE, &a->err) < 0 ||
	    cc_host_key_install(dir_fd, dir, a->host_key, &a->err) < 0)
		return -1;
	return verify(a, dir_fd, dir, fingerprint, chats);
}

/* Remember where the backup went. The backup is whole without it. */
static void record_backup(struct admin *a, const char *dir)
{
	char value[CC_PATH_MAX + 32];
	struct cc_err err = {0};

	snprintf(value, sizeof(value), "%lld %s", (long long)a->now, dir);
	if (cc_settings_set(&a->reg, CC_SETTING_LAST_BACKUP, value, &err) < 0)
		fprintf(stderr,
			"chatcell-admin backup: warning: the backup is whole, but the registry could not record where it "
			"went (%s); messages about a lost host key will not name it\n",
			err.msg);
}

int cmd_backup(struct admin *a)
{
	char fingerprint[CC_HOST_KEY_FINGERPRINT_LEN + 1];
	const char *dir;
	int64_t chats = 0;
	int dir_fd, rc;

	if (admin_read_dir(a, &dir) < 0)
		return -1;
	dir_fd = make_dir(a, dir);
	if (dir_fd < 0)
		return -1;
	cc_host_key_fingerprint(a->host_key, fingerprint);
	rc = write_backup(a, dir_fd, dir, fingerprint, &chats);
	close(dir_fd);
	if (rc < 0) {
		cc_err_prefix(&a->err, "the backup in %s is not usable: ", dir);
		return -1;
	}
	record_backup(a, dir);
	if (a->opt.json) {
		fputc('{', stdout);
		json_field_string(stdout, "dir", dir, 0);
		json_field_u64(stdout, "chats", (uint64_t)chats, 1);
		json_field_string(stdout, "fingerprint", fingerprint, 1);
		fputs("}\n", stdout);
	} else {
		printf("backup of %lld chats written to %s: %s (integrity ok) and %s (fingerprint %.16s), 0600 in a 0700 "
		       "directory\n",
		       (long long)chats, dir, CC_REGISTRY_FILE, CC_HOST_KEY_FILE, fingerprint);
	}
	return 0;
}
