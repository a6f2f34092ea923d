/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS gate's messages (lib/dns): the input is a query and an answer to
 * it, the query's length in the first two bytes. Nothing reads out of
 * bounds, what parses is within its bounds, every message the gate builds
 * reads back (an answer with the addresses kept, a cut one with TC set and
 * whole records only), and a name that normalises as a rule matches itself. */
#include "fuzz_input.h"

#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/addr_kind.h"
#include "dns/dns_name.h"
#include "dns/dns_reply.h"
#include "dns/dns_wire.h"

static uint8_t out[CC_DNS_MSG_MAX];

static bool printable_lower(const char *name)
{
	size_t len = strnlen(name, CC_DNS_NAME_TEXT_MAX);

	if (len >= CC_DNS_NAME_TEXT_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] >= 0x7f || (name[i] >= 'A' && name[i] <= 'Z'))
			return false;
	return true;
}

static void check_query(size_t len, int rc, const struct cc_dns_query *q)
{
	struct cc_dns_query again;
	size_t n;

	FUZZ_CHECK(rc == -1 || rc == 0 || rc == CC_DNS_RCODE_FORMERR || rc == CC_DNS_RCODE_NOTIMP);
	FUZZ_CHECK((rc == -1) == (len < CC_DNS_HEADER_LEN));
	FUZZ_CHECK(printable_lower(q->name));
	FUZZ_CHECK(q->edns_udp_size >= CC_DNS_UDP_MIN);
	FUZZ_CHECK(rc != 0 || !q->header_only);
	FUZZ_CHECK(!q->header_only || q->name[0] == '\0');
	/* Upstream: written anew, it reads back as the same question with
	 * the gate's ID, whatever the chat's bytes were. */
	if (rc != 0)
		return;
	n = cc_dns_build_query(q, (uint16_t)(q->id ^ 0x5a5a), out, sizeof(out));
	FUZZ_CHECK(n >= CC_DNS_HEADER_LEN);
	FUZZ_CHECK(cc_dns_parse_query(out, n, &again) == 0);
	FUZZ_CHECK(again.id == (uint16_t)(q->id ^ 0x5a5a));
	FUZZ_CHECK(strcmp(again.name, q->name) == 0 && again.qtype == q->qtype && again.qclass == q->qclass);
	FUZZ_CHECK(again.edns == q->edns && again.flags == (q->flags & CC_DNS_FLAG_RD));
}

/* The error the gate sends reads back as an answer to the query. */
static void check_error(const struct cc_dns_query *q, unsigned rcode)
{
	struct cc_dns_answer a;
	size_t n = cc_dns_build_error(q, rcode, out, sizeof(out));

	FUZZ_CHECK(n >= CC_DNS_HEADER_LEN);
	FUZZ_CHECK(cc_dns_build_error(q, rcode, out, n - 1) == 0);
	n = cc_dns_build_error(q, rcode, out, sizeof(out));
	if (q->header_only || CC_DNS_OPCODE(q->flags) != 0) {
		FUZZ_CHECK(cc_dns_parse_answer(out, n, q, &a) == -1); /* no question to match */
		return;
	}
	FUZZ_CHECK(cc_dns_parse_answer(out, n, q, &a) == 0);
	FUZZ_CHECK(CC_DNS_RCODE(a.flags) == rcode && a.addr_count == 0 && a.chain_len == 1);
	FUZZ_CHECK((a.flags & CC_DNS_FLAG_RD) == (q->flags & CC_DNS_FLAG_RD));
}

static void check_answer(const struct cc_dns_query *q, const struct cc_dns_answer *a)
{
	static const uint8_t net4[4] = {10, 77, 0, 0}, net6[16] = {0xfd, 0xe8, 0xed, 0xd2, 0xe0, 0xff};
	const struct cc_addr_prefix cells4 = {net4, 16}, cells6 = {net6, 48};

	FUZZ_CHECK(a->chain_len >= 1 && a->chain_len <= CC_DNS_CHAIN_MAX + 1);
	FUZZ_CHECK(strcmp(a->chain[0], q->name) == 0);
	for (unsigned i = 0; i < a->chain_len; i++) {
		FUZZ_CHECK(printable_lower(a->chain[i]));
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(a->chain[i], a->chain[j]) != 0);
		if (i + 1 < a->chain_len)
			FUZZ_CHECK(a->chain_ttl[i] <= 0x7fffffffu);
	}
	FUZZ_CHECK(a->addr_count <= CC_DNS_ADDRS_MAX);
	for (unsigned i = 0; i < a->addr_count; i++) {
		FUZZ_CHECK(a->addrs[i].family == AF_INET || a->addrs[i].family == AF_INET6);
		FUZZ_CHECK(a->addrs[i].ttl <= 0x7fffffffu);
		cc_addr_kind(a->addrs[i].family, a->addrs[i].addr, cells4, cells6);
	}
}

/* Rebuild the answer with the addresses the input's bits keep, under a
 * limit the input picks, and read it back. */
static void check_rebuilt(const struct cc_dns_query *q, const struct cc_dns_answer *a, const uint8_t *data,
			  size_t size)
{
	static const size_t limits[] = {CC_DNS_UDP_MIN, 0, CC_DNS_MSG_MAX, 40};
	struct cc_dns_answer back;
	bool keep[CC_DNS_ADDRS_MAX];
	unsigned kept[CC_DNS_ADDRS_MAX], nkept = 0;
	size_t limit = limits[data[size - 1] & 3], n, floor;
	bool tc;

	if (limit == 0)
		limit = q->edns_udp_size;
	for (unsigned i = 0; i < a->addr_count; i++) {
		keep[i] = (data[(i / 8) % size] >> (i % 8)) & 1;
		if (keep[i])
			kept[nkept++] = i;
	}
	n = cc_dns_build_answer(q, a, keep, limit, out, sizeof(out));
	FUZZ_CHECK(n > 0);
	/* Header, question (name at most 255 bytes) and OPT always go. */
	floor = CC_DNS_HEADER_LEN + strlen(q->name) + 2 + 4 + (q->edns ? 11 : 0);
	FUZZ_CHECK(n <= (limit > floor ? limit : floor));
	FUZZ_CHECK(cc_dns_parse_answer(out, n, q, &back) == 0);
	tc = back.flags & CC_DNS_FLAG_TC;
	FUZZ_CHECK(CC_DNS_RCODE(back.flags) == CC_DNS_RCODE(a->flags));
	FUZZ_CHECK(back.other_records == 0);
	FUZZ_CHECK(back.chain_len <= a->chain_len && (tc || back.chain_len == a->chain_len));
	for (unsigned i = 0; i < back.chain_len; i++) {
		FUZZ_CHECK(strcmp(back.chain[i], a->chain[i]) == 0);
		if (i + 1 < back.chain_len)
			FUZZ_CHECK(back.chain_ttl[i] == a->chain_ttl[i]);
	}
	if (back.chain_len < a->chain_len)
		FUZZ_CHECK(back.addr_count == 0);
	FUZZ_CHECK(back.addr_count <= nkept && (tc || back.addr_count == nkept));
	for (unsigned i = 0; i < back.addr_count; i++)
		FUZZ_CHECK(memcmp(&back.addrs[i], &a->addrs[kept[i]], sizeof(back.addrs[i])) == 0);
	/* Too small for header and question: nothing. */
	FUZZ_CHECK(cc_dns_build_answer(q, a, keep, limit, out, CC_DNS_HEADER_LEN + strlen(q->name) + 1) == 0);
}

/* A name the parser gives that normalises as a rule matches that rule,
 * and "*." and its parent matches it when that is a rule. */
static void check_rules(const char *name)
{
	char rule[CC_DNS_NAME_TEXT_MAX], why[160], wild[CC_DNS_NAME_TEXT_MAX + 2];
	const char *parent = strchr(name, '.');

	(void)cc_dns_known_resolver(name);
	if (cc_dns_pattern_normalize(name, rule, sizeof(rule), why, sizeof(why)) != 0) {
		FUZZ_CHECK(why[0] != '\0');
		return;
	}
	FUZZ_CHECK(strcmp(rule, name) == 0 && cc_dns_pattern_match(rule, name));
	if (!parent)
		return;
	snprintf(wild, sizeof(wild), "*%s", parent);
	if (cc_dns_pattern_normalize(wild, rule, sizeof(rule), why, sizeof(why)) == 0) {
		FUZZ_CHECK(cc_dns_pattern_match(rule, name));
		FUZZ_CHECK(!cc_dns_pattern_match(rule, parent + 1));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cc_dns_query q;
	struct cc_dns_answer a;
	size_t qlen;
	int rc;

	if (size < 3)
		return 0;
	qlen = (size_t)data[0] << 8 | data[1];
	if (qlen > size - 2)
		qlen = size - 2;
	rc = cc_dns_parse_query(data + 2, qlen, &q);
	check_query(qlen, rc, &q);
	if (rc == -1)
		return 0;
	check_error(&q, rc ? (unsigned)rc : CC_DNS_RCODE_SERVFAIL);
	if (rc != 0)
		return 0;
	check_rules(q.name);
	/* A query is no answer to itself (QR is clear). */
	FUZZ_CHECK(cc_dns_parse_answer(data + 2, qlen, &q, &a) == -1);
	if (cc_dns_parse_answer(data + 2 + qlen, size - 2 - qlen, &q, &a) != 0)
		return 0;
	check_answer(&q, &a);
	check_rebuilt(&q, &a, data, size);
	return 0;
}
