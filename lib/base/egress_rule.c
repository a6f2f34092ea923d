/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/egress_rule.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/parse_number.h"
#include "base/text_copy.h"

int cc_egress_parse_prefix(const char *text, struct cc_egress_rule *rule, struct cc_err *err)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(text, '/');
	size_t addr_len = slash ? (size_t)(slash - text) : strlen(text);
	unsigned max_len;
	uint64_t len;

	if (addr_len == 0 || addr_len >= sizeof(addr)) {
		return cc_fail(err, CC_ERR_INVALID, "expected an IPv4 or IPv6 address, got '%s'", text);
	}
	memcpy(addr, text, addr_len);
	addr[addr_len] = '\0';
	memset(rule->addr, 0, sizeof(rule->addr));
	if (inet_pton(AF_INET, addr, rule->addr) == 1) {
		rule->family = AF_INET, max_len = 32;
	} else if (inet_pton(AF_INET6, addr, rule->addr) == 1) {
		rule->family = AF_INET6, max_len = 128;
	} else {
		return cc_fail(err, CC_ERR_INVALID, "'%s' is not an IPv4 or IPv6 address", addr);
	}
	len = max_len;
	if (slash && cc_parse_u64(slash + 1, 0, max_len, &len) < 0) {
		return cc_fail(err, CC_ERR_INVALID, "prefix length '%s' is not a number from 0 to %u", slash + 1, max_len);
	}
	rule->prefix_len = (uint8_t)len;
	for (unsigned bit = (unsigned)len; bit < max_len; bit++) {
		if (rule->addr[bit / 8] & (0x80 >> (bit % 8))) {
			return cc_fail(err, CC_ERR_INVALID, "'%s' has host bits set below the /%u prefix", text, (unsigned)len);
		}
	}
	return 0;
}

int cc_egress_parse_proto(const char *text, struct cc_egress_rule *rule, struct cc_err *err)
{
	if (strcmp(text, "tcp") == 0)
		rule->proto = IPPROTO_TCP;
	else if (strcmp(text, "udp") == 0)
		rule->proto = IPPROTO_UDP;
	else {
		return cc_fail(err, CC_ERR_INVALID, "unknown protocol '%s' (expected tcp or udp)", text);
	}
	return 0;
}

int cc_egress_parse_ports(const char *text, struct cc_egress_rule *rule, struct cc_err *err)
{
	char first[8];
	const char *dash = strchr(text, '-');
	size_t first_len = dash ? (size_t)(dash - text) : strlen(text);
	uint64_t lo, hi;

	if (first_len == 0 || first_len >= sizeof(first))
		goto bad;
	memcpy(first, text, first_len);
	first[first_len] = '\0';
	if (cc_parse_u64(first, 1, 65535, &lo) < 0)
		goto bad;
	hi = lo;
	if (dash && cc_parse_u64(dash + 1, lo, 65535, &hi) < 0)
		goto bad;
	rule->port_first = (uint16_t)lo;
	rule->port_last = (uint16_t)hi;
	return 0;
bad:
	return cc_fail(err, CC_ERR_INVALID, "port '%s' must be a number from 1 to 65535 or a range FIRST-LAST within it", text);
}

int cc_egress_parse_rule(const char *text, struct cc_egress_rule *rule, struct cc_err *err)
{
	char copy[256];
	char *fields[4];
	size_t n = 0;
	char *save = NULL;

	if (!cc_copy(copy, sizeof(copy), text)) {
		return cc_fail(err, CC_ERR_INVALID, "rule is too long");
	}
	for (char *tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == 3) {
			n++;
			break;
		}
		fields[n++] = tok;
	}
	if (n != 3) {
		return cc_fail(err, CC_ERR_INVALID, "expected 'ADDRESS[/PREFIX] tcp|udp PORT[-PORT]', got '%s'", text);
	}
	if (cc_egress_parse_prefix(fields[0], rule, err) < 0 || cc_egress_parse_proto(fields[1], rule, err) < 0 ||
	    cc_egress_parse_ports(fields[2], rule, err) < 0)
		return -1;
	return 0;
}

bool cc_egress_rules_equal(const struct cc_egress_rule *a, const struct cc_egress_rule *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, sizeof(a->addr)) == 0 &&
	       a->prefix_len == b->prefix_len && a->proto == b->proto && a->port_first == b->port_first &&
	       a->port_last == b->port_last;
}

void cc_egress_format_rule(const struct cc_egress_rule *rule, char *out, size_t out_len)
{
	char addr[INET6_ADDRSTRLEN];
	const char *proto = rule->proto == IPPROTO_TCP ? "tcp" : "udp";

	inet_ntop(rule->family, rule->addr, addr, sizeof(addr));
	if (rule->port_first == rule->port_last)
		snprintf(out, out_len, "%s/%u %s %u", addr, rule->prefix_len, proto, rule->port_first);
	else
		snprintf(out, out_len, "%s/%u %s %u-%u", addr, rule->prefix_len, proto, rule->port_first,
			 rule->port_last);
}
