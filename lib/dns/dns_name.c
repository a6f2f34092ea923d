/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A stand-in of the dns-wire branch's dns_name.c, with only what the
 * policy half needs (cc_dns_pattern_normalize) and the same reasons; that
 * branch's file replaces this one. */
#include "dns/dns_name.h"

#include <stdio.h>
#include <string.h>

static int refuse(char *why, size_t why_size, const char *reason)
{
	if (why_size > 0)
		snprintf(why, why_size, "%s", reason);
	return -1;
}

static bool rule_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int cc_dns_pattern_normalize(const char *pattern, char *out, size_t out_size, char *why, size_t why_size)
{
	static const char empty_label[] = "the name has an empty label (two dots in a row, or a leading dot)";
	size_t len = pattern ? strlen(pattern) : 0, labels = 0, label = 0;

	if (len > 0 && pattern[len - 1] == '.')
		len--; /* "example.com." is example.com */
	if (len == 0)
		return refuse(why, why_size, "the name is empty");
	if (len > CC_DNS_NAME_TEXT_MAX - 1)
		return refuse(why, why_size, "the name is longer than 253 characters");
	if (len >= out_size)
		return refuse(why, why_size, "the name does not fit the buffer given for it");
	for (size_t i = 0; i <= len; i++) {
		char c = '.'; /* the end of the last label */

		if (i < len)
			c = pattern[i];
		if (c == '.') {
			if (label == 0)
				return refuse(why, why_size, empty_label);
			labels++;
			label = 0;
			continue;
		}
		if (++label > 63)
			return refuse(why, why_size, "a label of the name is longer than 63 characters");
		if (c == '*' && (labels > 0 || label != 1 || (i + 1 < len && pattern[i + 1] != '.')))
			return refuse(why, why_size, "'*' may only be the whole first label, as in *.example.com");
		if (c != '*' && !rule_char(c))
			return refuse(why, why_size, "the name has a character other than letters, digits, '-' and '_'");
	}
	if (pattern[0] == '*' && labels == 1)
		return refuse(why, why_size, "'*' alone would allow every name");
	if (pattern[0] == '*' && labels == 2)
		return refuse(why, why_size,
			      "'*.' needs at least two labels after it: a wildcard may not cover a top-level domain");
	for (size_t i = 0; i < len; i++) {
		out[i] = pattern[i];
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	}
	out[len] = '\0';
	if (why_size > 0)
		why[0] = '\0';
	return 0;
}
