/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "identity/host_key.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs_util.h"

/* Write the key whole under a temporary name, then link it in atomically:
 * beside nothing (creating), or over what is there (installing). */
static int write_key(int dirfd, const char *dir_path, const uint8_t key[CC_HOST_KEY_LEN], bool replace,
		     struct cc_err *err)
{
	char tmp[64];
	int fd, rc;

	snprintf(tmp, sizeof(tmp), ".%s.%ld", CC_HOST_KEY_FILE, (long)getpid());
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot create %s/%s", dir_path, tmp);
	rc = cc_write_all(fd, key, CC_HOST_KEY_LEN);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (rc < 0) {
		int saved = -rc;

		close(fd);
		unlinkat(dirfd, tmp, 0);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot write the host key");
	}
	close(fd);
	if (renameat2(dirfd, tmp, dirfd, CC_HOST_KEY_FILE, replace ? 0 : RENAME_NOREPLACE) < 0) {
		int saved = errno;

		unlinkat(dirfd, tmp, 0);
		if (saved == EEXIST) /* another init won the race */
			return 0;
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot install the host key");
	}
	/* The new name must survive a crash too. */
	if (fsync(dirfd) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot make the host key %s/%s durable (fsync)",
				     dir_path, CC_HOST_KEY_FILE);
	return 0;
}

int cc_host_key_create(int dirfd, const char *dir_path, struct cc_err *err)
{
	uint8_t key[CC_HOST_KEY_LEN];
	int rc;

	if (cc_host_key_present(dirfd))
		return cc_host_key_load(dirfd, dir_path, key, err);
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot get random bytes for the host key");
	rc = write_key(dirfd, dir_path, key, false, err);
	explicit_bzero(key, sizeof(key));
	/* Whoever won a race, the key in place must be a good one. */
	return rc < 0 ? -1 : cc_host_key_load(dirfd, dir_path, key, err);
}

int cc_host_key_install(int dirfd, const char *dir_path, const uint8_t key[CC_HOST_KEY_LEN], struct cc_err *err)
{
	return write_key(dirfd, dir_path, key, true, err);
}

bool cc_host_key_present(int dirfd)
{
	return faccessat(dirfd, CC_HOST_KEY_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

void cc_host_key_fingerprint(const uint8_t key[CC_HOST_KEY_LEN], char out[CC_HOST_KEY_FINGERPRINT_LEN + 1])
{
	static const char label[] = "chatcell host key fingerprint 1";
	static const char hex[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, sizeof(label), (const uint8_t *)label);
	sha256_update(&ctx, CC_HOST_KEY_LEN, key);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < CC_HOST_KEY_FINGERPRINT_LEN / 2; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xF];
	}
	out[CC_HOST_KEY_FINGERPRINT_LEN] = '\0';
}

int cc_host_key_load(int dirfd, const char *dir_path, uint8_t key[CC_HOST_KEY_LEN], struct cc_err *err)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = openat(dirfd, CC_HOST_KEY_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return cc_fail(err, CC_ERR_CONFIG,
				       "the host key %s/%s is missing; run 'chatcell-admin init' (or restore the key "
				       "from backup if chats already exist)",
				       dir_path, CC_HOST_KEY_FILE);
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open %s/%s", dir_path, CC_HOST_KEY_FILE);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) ||
	    st.st_size != CC_HOST_KEY_LEN) {
		close(fd);
		return cc_fail(err, CC_ERR_PERMISSION,
			       "the host key %s/%s must be a root-owned 0600 file of exactly %d bytes; "
			       "restore it from backup",
			       dir_path, CC_HOST_KEY_FILE, CC_HOST_KEY_LEN);
	}
	n = read(fd, key, CC_HOST_KEY_LEN);
	close(fd);
	if (n != CC_HOST_KEY_LEN)
		return cc_fail(err, CC_ERR_SYSTEM, "cannot read the host key %s/%s", dir_path, CC_HOST_KEY_FILE);
	return 0;
}
