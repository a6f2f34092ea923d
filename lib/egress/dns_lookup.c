/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/dns_lookup.h"

#include <arpa/nameser.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>
#include <sys/socket.h>

static int is_label_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

int cc_dns_name_valid(const char *name)
{
	size_t len = strlen(name);
	const char *label = name;

	if (len == 0 || len > 253)
		return 0;
	for (;;) {
		size_t label_len = 0;

		while (is_label_char(label[label_len]))
			label_len++;
		if (label_len == 0 || label_len > 63 || label[0] == '-' || label[label_len - 1] == '-')
			return 0;
		if (label[label_len] == '\0')
			return 1;
		if (label[label_len] != '.')
			return 0;
		label += label_len + 1;
	}
}

/* Append the addresses of one query type. Returns -1 on a resolver failure
 * that is not "no such record", -2 on an answer the gate's parser refuses
 * (over CC_DNS_ADDRS_MAX addresses, a CNAME chain over CC_DNS_CHAIN_MAX, a
 * malformed record). */
static int query(res_state state, const char *name, int type, struct cc_dns_addr *answers, size_t *count,
		 int *herr)
{
	struct cc_dns_answer parsed;
	unsigned char reply[NS_MAXMSG];
	struct cc_dns_query q = {.qtype = (uint16_t)type, .qclass = ns_c_in};
	int len = res_nquery(state, name, ns_c_in, type, reply, sizeof(reply));
	int family = type == ns_t_a ? AF_INET : AF_INET6;

	if (len < 0) {
		*herr = state->res_h_errno;
		return *herr == HOST_NOT_FOUND || *herr == NO_DATA ? 0 : -1;
	}
	/* res_nquery checked the ID; the parser compares it again. */
	q.id = len >= 2 ? (uint16_t)(reply[0] << 8 | reply[1]) : 0;
	for (size_t i = 0; i < sizeof(q.name) - 1 && name[i]; i++)
		q.name[i] = (char)tolower((unsigned char)name[i]);
	if (cc_dns_parse_answer(reply, (size_t)len, &q, &parsed) < 0)
		return -2;
	for (unsigned i = 0; i < parsed.addr_count && *count < CC_DNS_ANSWERS_MAX; i++)
		if (parsed.addrs[i].family == family)
			answers[(*count)++] = parsed.addrs[i];
	return 0;
}

int cc_dns_resolve(const char *name, struct cc_dns_addr *answers, size_t *count, struct cc_err *err)
{
	struct __res_state state;
	int herr = 0, rc;

	*count = 0;
	if (!cc_dns_name_valid(name))
		return cc_fail(err, CC_ERR_INVALID, "'%s' is not a host name: %s", name, CC_DNS_NAME_RULE);
	memset(&state, 0, sizeof(state));
	if (res_ninit(&state) < 0)
		return cc_fail(err, CC_ERR_SYSTEM, "cannot initialise the resolver (/etc/resolv.conf)");
	rc = query(&state, name, ns_t_a, answers, count, &herr);
	if (rc == 0)
		rc = query(&state, name, ns_t_aaaa, answers, count, &herr);
	res_nclose(&state);
	if (rc == -2)
		return cc_fail(err, CC_ERR_SYSTEM,
			       "the resolver's answer for %s was refused: more than %d addresses, a CNAME chain longer "
			       "than %d, or a malformed record; allow its addresses with egress allow ADDRESS instead",
			       name, CC_DNS_ADDRS_MAX, CC_DNS_CHAIN_MAX);
	if (rc < 0)
		return cc_fail(err, CC_ERR_SYSTEM, "cannot resolve %s: %s; check /etc/resolv.conf and retry", name,
			       hstrerror(herr ? herr : TRY_AGAIN));
	if (*count == 0)
		return cc_fail(err, CC_ERR_INVALID, "%s does not resolve to any IPv4 or IPv6 address", name);
	return 0;
}
