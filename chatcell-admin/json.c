/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "json.h"

#include <string.h>
#include <time.h>

void json_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void key(FILE *out, const char *name, int comma)
{
	if (comma)
		fputc(',', out);
	json_string(out, name, strlen(name));
	fputc(':', out);
}

void json_field_string(FILE *out, const char *name, const char *value, int comma)
{
	key(out, name, comma);
	if (value)
		json_string(out, value, strlen(value));
	else
		fputs("null", out);
}

void json_field_u64(FILE *out, const char *name, uint64_t value, int comma)
{
	key(out, name, comma);
	fprintf(out, "%llu", (unsigned long long)value);
}

void format_time(int64_t at, char *out, size_t out_len)
{
	time_t t = (time_t)at;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, out_len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void json_field_time(FILE *out, const char *name, int64_t at, int comma)
{
	char text[32];

	if (!at) {
		json_field_string(out, name, NULL, comma);
		return;
	}
	format_time(at, text, sizeof(text));
	json_field_string(out, name, text, comma);
}
