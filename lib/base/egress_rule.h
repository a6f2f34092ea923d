/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One egress allowlist entry: destination address or prefix, protocol and
 * port range. Parsed from chatcell.conf and from chatcell-admin arguments;
 * a bad rule is CC_ERR_INVALID with a message that names what is wrong. */
#ifndef CHATCELL_EGRESS_RULE_H
#define CHATCELL_EGRESS_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct cc_egress_rule {
	int family;          /* AF_INET or AF_INET6 */
	uint8_t addr[16];    /* network byte order, host bits cleared */
	uint8_t prefix_len;  /* 0..32 or 0..128 */
	uint8_t proto;       /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port_first; /* 1..65535 */
	uint16_t port_last;  /* port_first..65535 */
};

/* "ADDR[/LEN]" → family, address, prefix. Host bits set below the prefix
 * are an error (203.0.113.7/24 is ambiguous). */
int cc_egress_parse_prefix(const char *text, struct cc_egress_rule *rule, struct cc_err *err);
/* "tcp" or "udp". */
int cc_egress_parse_proto(const char *text, struct cc_egress_rule *rule, struct cc_err *err);
/* "PORT" or "FIRST-LAST", each 1..65535. */
int cc_egress_parse_ports(const char *text, struct cc_egress_rule *rule, struct cc_err *err);
/* "ADDR[/LEN] PROTO PORT[-PORT]" as written in chatcell.conf. */
int cc_egress_parse_rule(const char *text, struct cc_egress_rule *rule, struct cc_err *err);

/* Same family, address, prefix, protocol and ports? */
bool cc_egress_rules_equal(const struct cc_egress_rule *a, const struct cc_egress_rule *b);

/* "203.0.113.0/24 tcp 443" or "2001:db8::/32 udp 53-54". */
void cc_egress_format_rule(const struct cc_egress_rule *rule, char *out, size_t out_len);

#endif
