/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "view/nss_record.h"

#include <errno.h>
#include <string.h>

struct packer {
	char *next;
	size_t left;
};

/* Copy `len` bytes plus a NUL; NULL when the buffer is exhausted. */
static char *pack_bytes(struct packer *pk, const char *s, size_t len)
{
	char *out = pk->next;

	if (pk->left < len + 1)
		return NULL;
	memcpy(out, s, len);
	out[len] = '\0';
	pk->next += len + 1;
	pk->left -= len + 1;
	return out;
}

static char *pack_string(struct packer *pk, const char *s)
{
	return pack_bytes(pk, s, strlen(s));
}

static char *pack_home(struct packer *pk, const char *base, const char *name)
{
	size_t base_len = strlen(base), name_len = strlen(name);
	char *out = pk->next;

	if (pk->left < base_len + 1 + name_len + 1)
		return NULL;
	memcpy(out, base, base_len);
	out[base_len] = '/';
	memcpy(out + base_len + 1, name, name_len);
	out[base_len + 1 + name_len] = '\0';
	pk->next += base_len + name_len + 2;
	pk->left -= base_len + name_len + 2;
	return out;
}

int cc_pack_passwd(const char *name, uint32_t uid, const struct cc_view_params *params, struct passwd *pw,
		   char *buf, size_t buf_len)
{
	struct packer pk = {buf, buf_len};

	pw->pw_name = pack_string(&pk, name);
	pw->pw_passwd = pack_string(&pk, "*");
	pw->pw_gecos = pack_string(&pk, CC_GECOS);
	pw->pw_dir = pack_home(&pk, params->home_base, name);
	pw->pw_shell = pack_string(&pk, params->shell);
	if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir || !pw->pw_shell)
		return -ERANGE;
	pw->pw_uid = uid;
	pw->pw_gid = uid;
	return 0;
}

int cc_pack_group(const char *name, uint32_t gid, struct group *gr, char *buf, size_t buf_len)
{
	size_t pad = (sizeof(char *) - ((uintptr_t)buf % sizeof(char *))) % sizeof(char *);
	struct packer pk;

	if (buf_len < pad + sizeof(char *))
		return -ERANGE;
	gr->gr_mem = (char **)(void *)(buf + pad);
	gr->gr_mem[0] = NULL;
	pk.next = buf + pad + sizeof(char *);
	pk.left = buf_len - pad - sizeof(char *);
	gr->gr_name = pack_string(&pk, name);
	gr->gr_passwd = pack_string(&pk, "*");
	if (!gr->gr_name || !gr->gr_passwd)
		return -ERANGE;
	gr->gr_gid = gid;
	return 0;
}
