/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Name rules (lib/dns/dns_name.h): what an administrator may write, its
 * normal form with the exact refusal, what each rule matches, and the
 * public DNS-over-HTTPS/TLS resolvers. */
#include <stdio.h>
#include <string.h>

#include "cmocka_all.h"

#include "dns/dns_name.h"

static void normalized(const char *pattern, const char *expected)
{
	char out[CC_DNS_NAME_TEXT_MAX], why[160];

	if (cc_dns_pattern_normalize(pattern, out, sizeof(out), why, sizeof(why)) != 0)
		fail_msg("\"%s\" refused: %s", pattern, why);
	assert_string_equal(out, expected);
	assert_string_equal(why, "");
}

static void refused(const char *pattern, const char *reason)
{
	char out[CC_DNS_NAME_TEXT_MAX], why[160];

	assert_int_equal(cc_dns_pattern_normalize(pattern, out, sizeof(out), why, sizeof(why)), -1);
	assert_string_equal(why, reason);
}

static void normalizes_rules(void **state)
{
	char name[300], without_dot[254];

	(void)state;
	normalized("api.example.com", "api.example.com");
	normalized("API.Example.COM.", "api.example.com");
	normalized("*.example.com", "*.example.com");
	normalized("*.Example.Co.UK.", "*.example.co.uk");
	normalized("_dmarc.example-1.com", "_dmarc.example-1.com");
	normalized("localhost", "localhost");
	/* 63 characters in a label, 253 in a name. */
	memset(name, 'a', 63);
	snprintf(name + 63, sizeof(name) - 63, ".com");
	normalized(name, name);
	memset(name, 'b', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	normalized(name, name);
	memcpy(without_dot, name, sizeof(without_dot));
	snprintf(name + 253, sizeof(name) - 253, "."); /* a trailing dot does not count */
	normalized(name, without_dot);
}

static void refuses_rules(void **state)
{
	char name[300], out[8], why[160];

	(void)state;
	refused("", "the name is empty");
	refused(".", "the name is empty");
	refused(NULL, "the name is empty");
	refused("a..b", "the name has an empty label (two dots in a row, or a leading dot)");
	refused(".a.b", "the name has an empty label (two dots in a row, or a leading dot)");
	refused("a.b..", "the name has an empty label (two dots in a row, or a leading dot)");
	refused("a b.com", "the name has a character other than letters, digits, '-' and '_'");
	refused("caf\xc3\xa9.com", "the name has a character other than letters, digits, '-' and '_'");
	refused("a/b.com", "the name has a character other than letters, digits, '-' and '_'");
	refused("*", "'*' alone would allow every name");
	refused("*.", "'*' alone would allow every name");
	refused("*.com", "'*.' needs at least two labels after it: a wildcard may not cover a top-level domain");
	refused("*.COM.", "'*.' needs at least two labels after it: a wildcard may not cover a top-level domain");
	refused("a.*.com", "'*' may only be the whole first label, as in *.example.com");
	refused("*a.example.com", "'*' may only be the whole first label, as in *.example.com");
	refused("**.example.com", "'*' may only be the whole first label, as in *.example.com");
	refused("*.*.example.com", "'*' may only be the whole first label, as in *.example.com");
	refused("example.*", "'*' may only be the whole first label, as in *.example.com");
	memset(name, 'a', 64);
	snprintf(name + 64, sizeof(name) - 64, ".com");
	refused(name, "a label of the name is longer than 63 characters");
	memset(name, 'b', 254);
	name[63] = name[127] = name[191] = '.';
	name[254] = '\0';
	refused(name, "the name is longer than 253 characters");
	assert_int_equal(cc_dns_pattern_normalize("example.com", out, sizeof(out), why, sizeof(why)), -1);
	assert_string_equal(why, "the name does not fit the buffer given for it");
}

static void matches_names(void **state)
{
	static const struct {
		const char *pattern, *name;
		bool match;
	} cases[] = {
		{"api.example.com", "api.example.com", true},
		{"api.example.com", "API.example.com", true},
		{"api.example.com", "api.example.com.", true},
		{"api.example.com", "example.com", false},
		{"api.example.com", "x.api.example.com", false},
		{"api.example.com", "api.example.co", false},
		{"*.example.com", "a.example.com", true},
		{"*.example.com", "a.b.example.com", true},
		{"*.example.com", "A.EXAMPLE.COM", true},
		{"*.example.com", "a.example.com.", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "notexample.com", false},
		{"*.example.com", "a.notexample.com", false},
		{"*.example.com", ".example.com", true}, /* not a name the parser gives */
		{"*.example.com", "", false},
		{"example.com", "", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cc_dns_pattern_match(cases[i].pattern, cases[i].name) != cases[i].match)
			fail_msg("%s against %s: expected %s", cases[i].pattern, cases[i].name,
				 cases[i].match ? "a match" : "no match");
}

static void knows_public_resolvers(void **state)
{
	static const char *const known[] = {
		"dns.google", "DNS.Google.", "dns.google.com", "cloudflare-dns.com", "x.cloudflare-dns.com",
		"one.one.one.one", "1dot1dot1dot1.cloudflare-dns.com", "mozilla.cloudflare-dns.com", "dns.quad9.net",
		"dns9.quad9.net", "dns10.quad9.net", "dns11.quad9.net", "doh.opendns.com", "dns.opendns.com",
		"doh.cleanbrowsing.org", "dns.adguard.com", "dns.adguard-dns.com", "abc123.dns.nextdns.io",
		"doh.mullvad.net", "dns.mullvad.net", "dns.controld.com", "freedns.controld.com", "doh.dns.sb",
		"dns.alidns.com", "doh.pub", "dot.pub",
	};
	static const char *const unknown[] = {
		"google", "google.com", "notdns.google", "dns.google.evil.com", "example.com", "quad9.net",
		"mullvad.net", "pub", "", "nextdns.io", "xdoh.pub",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!cc_dns_known_resolver(known[i]))
			fail_msg("%s is a known resolver", known[i]);
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		if (cc_dns_known_resolver(unknown[i]))
			fail_msg("%s is no known resolver", unknown[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalizes_rules),
		cmocka_unit_test(refuses_rules),
		cmocka_unit_test(matches_names),
		cmocka_unit_test(knows_public_resolvers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
