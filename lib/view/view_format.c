/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "view/view_format.h"

#include <stdio.h>
#include <string.h>

#include "base/parse_number.h"
#include "base/path_syntax.h"

int cc_view_params_format(const struct cc_view_params *p, char *out, size_t out_len)
{
	int n = snprintf(out, out_len, "%s %s %u %u %s %s", CC_VIEW_MAGIC, p->prefix, p->uid_min, p->uid_max,
			 p->home_base, p->shell);

	return (n < 0 || (size_t)n >= out_len) ? -1 : n;
}

/* Copy the next space-separated field into out (size out_len). */
static const char *next_field(const char *s, char *out, size_t out_len)
{
	size_t len = strcspn(s, " ");

	if (len == 0 || len >= out_len)
		return NULL;
	memcpy(out, s, len);
	out[len] = '\0';
	s += len;
	return *s == ' ' ? s + 1 : s;
}

int cc_view_params_parse(const char *text, struct cc_view_params *p)
{
	char field[CC_PATH_MAX + 1];
	uint64_t lo, hi;
	const char *s = text;

	if (!(s = next_field(s, field, sizeof(field))) || strcmp(field, CC_VIEW_MAGIC) != 0)
		return -1;
	if (!(s = next_field(s, p->prefix, sizeof(p->prefix))))
		return -1;
	if (!(s = next_field(s, field, sizeof(field))) ||
	    cc_parse_u64(field, CC_UID_ENVELOPE_MIN, CC_UID_ENVELOPE_MAX, &lo) < 0)
		return -1;
	if (!(s = next_field(s, field, sizeof(field))) || cc_parse_u64(field, lo, CC_UID_ENVELOPE_MAX, &hi) < 0)
		return -1;
	if (!(s = next_field(s, p->home_base, sizeof(p->home_base))) ||
	    !(s = next_field(s, p->shell, sizeof(p->shell))) || *s != '\0')
		return -1;
	if (!cc_path_is_simple_absolute(p->home_base, CC_PATH_MAX) ||
	    !cc_path_is_simple_absolute(p->shell, CC_PATH_MAX))
		return -1;
	p->uid_min = (uint32_t)lo;
	p->uid_max = (uint32_t)hi;
	return 0;
}

bool cc_view_uid_in_envelope(uint32_t uid)
{
	return uid >= CC_UID_ENVELOPE_MIN && uid <= CC_UID_ENVELOPE_MAX;
}

bool cc_view_name_has_chat_shape(const char *name)
{
	size_t len = strnlen(name, CC_NAME_MAX + 1);
	const char *hash;

	if (len < 1 + CC_NAME_HASH_LEN || len > CC_NAME_MAX)
		return false;
	if (!((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return false;
	hash = name + len - CC_NAME_HASH_LEN;
	for (const char *p = name + 1; p < hash; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	for (const char *p = hash; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	return true;
}

int cc_view_parse_uid(const char *text, uint32_t min, uint32_t max, uint32_t *uid)
{
	uint64_t v;

	if (cc_parse_u64(text, min, max, &v) < 0)
		return -1;
	*uid = (uint32_t)v;
	return 0;
}

bool cc_view_name_matches_prefix(const char *name, const char *prefix)
{
	size_t prefix_len = strlen(prefix);

	return strncmp(name, prefix, prefix_len) == 0 && strlen(name) == prefix_len + CC_NAME_HASH_LEN;
}
