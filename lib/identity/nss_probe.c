/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "identity/nss_probe.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>

/* Buffers grow on ERANGE up to this; an entry larger is an error. */
#define BUFFER_MAX (1 << 20)

enum lookup { BY_UID, BY_GID, BY_NAME };

struct probe {
	enum lookup kind;
	uint32_t id;
	const char *name;
	uint32_t found_uid;
};

/* One lookup into buf: 0 with *found set, or the function's error. */
static int look(struct probe *p, char *buf, size_t len, int *found)
{
	struct passwd pw, *pw_result = NULL;
	struct group gr, *gr_result = NULL;
	int rc;

	switch (p->kind) {
	case BY_GID:
		rc = getgrgid_r(p->id, &gr, buf, len, &gr_result);
		*found = rc == 0 && gr_result;
		return rc;
	case BY_UID:
		rc = getpwuid_r(p->id, &pw, buf, len, &pw_result);
		break;
	default:
		rc = getpwnam_r(p->name, &pw, buf, len, &pw_result);
		break;
	}
	*found = rc == 0 && pw_result;
	if (*found)
		p->found_uid = pw_result->pw_uid;
	return rc;
}

/* 1 found, 0 not found, -1 failed. ENOENT and ESRCH are "not found" (as
 * getpwnam(3) lists them), ERANGE asks for a larger buffer. */
static int probe(struct probe *p, struct cc_err *err)
{
	char small[4096], *big = NULL;
	size_t len = sizeof(small);
	int found = 0, rc = look(p, small, len, &found);

	while (rc == ERANGE && len < BUFFER_MAX) {
		char *grown = realloc(big, len *= 2);

		if (!grown) {
			rc = ENOMEM;
			break;
		}
		big = grown;
		rc = look(p, big, len, &found);
	}
	free(big);
	if (rc == 0 || rc == ENOENT || rc == ESRCH)
		return found;
	if (p->kind == BY_NAME)
		return cc_fail_errno(err, CC_ERR_SYSTEM, rc,
				     "cannot tell whether the user name %s is taken on this host (its NSS lookup failed)",
				     p->name);
	return cc_fail_errno(err, CC_ERR_SYSTEM, rc,
			     "cannot tell whether %s %u is taken on this host (its NSS lookup failed)",
			     p->kind == BY_UID ? "uid" : "gid", p->id);
}

int cc_nss_id_known(uint32_t id, struct cc_err *err)
{
	struct probe by_uid = {.kind = BY_UID, .id = id}, by_gid = {.kind = BY_GID, .id = id};
	int known = probe(&by_uid, err);

	return known != 0 ? known : probe(&by_gid, err);
}

int cc_nss_user_uid(const char *name, uint32_t *uid, struct cc_err *err)
{
	struct probe by_name = {.kind = BY_NAME, .name = name};
	int found = probe(&by_name, err);

	if (found > 0)
		*uid = by_name.found_uid;
	return found;
}
