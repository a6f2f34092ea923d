/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Name rules as administrators write them, and the resolvers a wildcard
 * must not open. */
#include "dns/dns_name.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NAME_TEXT_MAX (CC_DNS_NAME_TEXT_MAX - 1)
#define LABEL_MAX 63

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
	size_t len = pattern ? strlen(pattern) : 0, labels = 0;
	const char *p;

	if (len > 0 && pattern[len - 1] == '.')
		len--; /* "example.com." is example.com */
	if (len == 0)
		return refuse(why, why_size, "the name is empty");
	if (len > NAME_TEXT_MAX)
		return refuse(why, why_size, "the name is longer than 253 characters");
	if (len >= out_size)
		return refuse(why, why_size, "the name does not fit the buffer given for it");
	for (p = pattern; p < pattern + len; labels++) {
		const char *end = memchr(p, '.', (size_t)(pattern + len - p));
		size_t n = end ? (size_t)(end - p) : (size_t)(pattern + len - p);

		if (n == 0)
			return refuse(why, why_size, "the name has an empty label (two dots in a row, or a leading dot)");
		if (n > LABEL_MAX)
			return refuse(why, why_size, "a label of the name is longer than 63 characters");
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '*') {
				if (labels > 0 || n != 1)
					return refuse(why, why_size,
						      "'*' may only be the whole first label, as in *.example.com");
			} else if (!rule_char(p[i])) {
				return refuse(why, why_size,
					      "the name has a character other than letters, digits, '-' and '_'");
			}
		}
		p += n + (end ? 1 : 0);
		if (end && p == pattern + len)
			return refuse(why, why_size, "the name has an empty label (two dots in a row, or a leading dot)");
	}
	if (pattern[0] == '*' && labels == 1)
		return refuse(why, why_size, "'*' alone would allow every name");
	if (pattern[0] == '*' && labels == 2)
		return refuse(why, why_size, "'*.' needs at least two labels after it: a wildcard may not cover a top-level domain");
	for (size_t i = 0; i < len; i++) {
		char c = pattern[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[i] = c;
	}
	out[len] = '\0';
	if (why_size > 0)
		why[0] = '\0';
	return 0;
}

/* Is name (of length len) `suffix` or below it? With below_only, only below. */
static bool at_or_below(const char *name, size_t len, const char *suffix, bool below_only)
{
	size_t n = strlen(suffix);

	if (len == n)
		return !below_only && strncasecmp(name, suffix, n) == 0;
	return len > n && name[len - n - 1] == '.' && strncasecmp(name + len - n, suffix, n) == 0;
}

static size_t without_trailing_dot(const char *name)
{
	size_t len = strlen(name);

	return (len > 0 && name[len - 1] == '.') ? len - 1 : len;
}

bool cc_dns_pattern_match(const char *pattern, const char *name)
{
	size_t len = without_trailing_dot(name);

	if (pattern[0] == '*' && pattern[1] == '.')
		return at_or_below(name, len, pattern + 2, true);
	return strlen(pattern) == len && strncasecmp(pattern, name, len) == 0;
}

/* Public DNS-over-HTTPS and DNS-over-TLS services, from their operators'
 * documentation; a wildcard rule would otherwise let a chat tunnel every
 * lookup past the gate. */
static const char *const known_resolvers[] = {
	"dns.google", "dns.google.com", "8888.google",
	/* below cloudflare-dns.com, but named in case that entry goes */
	"cloudflare-dns.com", "one.one.one.one", "1dot1dot1dot1.cloudflare-dns.com", "mozilla.cloudflare-dns.com",
	"dns.quad9.net", "dns9.quad9.net", "dns10.quad9.net", "dns11.quad9.net", "dns12.quad9.net",
	"doh.opendns.com", "dns.opendns.com", "doh.familyshield.opendns.com",
	"doh.cleanbrowsing.org",
	"dns.adguard.com", "dns-family.adguard.com", "dns-unfiltered.adguard.com",
	"dns.adguard-dns.com", "family.adguard-dns.com", "unfiltered.adguard-dns.com",
	"dns.nextdns.io",
	"doh.mullvad.net", "dns.mullvad.net",
	"dns.controld.com", "freedns.controld.com",
	"doh.dns.sb", "dot.sb",
	"dns.alidns.com", "doh.pub", "dot.pub", "doh.360.cn",
	"dns.digitale-gesellschaft.ch", "dns.switch.ch",
	"ordns.he.net", "doh.libredns.gr", "dot.libredns.gr",
	"dns0.eu", "zero.dns0.eu", "kids.dns0.eu",
	"doh.applied-privacy.net", "dot1.applied-privacy.net",
	"dns.twnic.tw", "public.dns.iij.jp", "dns.njal.la", "dnsforge.de",
	"doh.ffmuc.net", "dot.ffmuc.net",
};

bool cc_dns_known_resolver(const char *name)
{
	size_t len = without_trailing_dot(name);

	for (size_t i = 0; i < sizeof(known_resolvers) / sizeof(known_resolvers[0]); i++)
		if (at_or_below(name, len, known_resolvers[i], false))
			return true;
	return false;
}
