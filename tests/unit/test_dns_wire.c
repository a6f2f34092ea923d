/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS messages as the gate reads and writes them (lib/dns/dns_wire.h and
 * dns_reply.h), on messages built byte by byte here: what parses, what is
 * refused and with which RCODE, every prefix of a message (ASan sees any
 * read past the end), and answers built, cut to a limit and read back. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmocka_all.h"

#include "dns/dns_reply.h"
#include "dns/dns_wire.h"

/* A message under construction. */
struct msg {
	uint8_t b[4096];
	size_t n;
};

static void u8(struct msg *m, unsigned v)
{
	assert_true(m->n < sizeof(m->b));
	m->b[m->n++] = (uint8_t)v;
}

static void u16(struct msg *m, unsigned v)
{
	u8(m, v >> 8);
	u8(m, v & 0xff);
}

static void u32(struct msg *m, uint32_t v)
{
	u16(m, v >> 16);
	u16(m, v & 0xffff);
}

static void bytes(struct msg *m, const void *p, size_t n)
{
	assert_true(m->n + n <= sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void hdr(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{
	m->n = 0;
	u16(m, id);
	u16(m, flags);
	u16(m, qd);
	u16(m, an);
	u16(m, ns);
	u16(m, ar);
}

/* A dotted name as labels, uncompressed ("" is the root). */
static void name(struct msg *m, const char *text)
{
	while (*text) {
		const char *dot = strchr(text, '.');
		size_t n = dot ? (size_t)(dot - text) : strlen(text);

		u8(m, (unsigned)n);
		bytes(m, text, n);
		text += n + (dot ? 1 : 0);
	}
	u8(m, 0);
}

static void question(struct msg *m, const char *qname, unsigned qtype)
{
	name(m, qname);
	u16(m, qtype);
	u16(m, CC_DNS_CLASS_IN);
}

static void opt(struct msg *m, unsigned udp_size)
{
	u8(m, 0);
	u16(m, CC_DNS_TYPE_OPT);
	u16(m, udp_size);
	u32(m, 0);
	u16(m, 0);
}

/* The fixed part of a record, its owner already written. */
static void rr(struct msg *m, unsigned type, unsigned rclass, uint32_t ttl, unsigned rdlen)
{
	u16(m, type);
	u16(m, rclass);
	u32(m, ttl);
	u16(m, rdlen);
}

static void a_rr(struct msg *m, const char *owner, uint32_t ttl, const char *v4)
{
	uint8_t addr[4];

	assert_int_equal(inet_pton(AF_INET, v4, addr), 1);
	if (owner)
		name(m, owner);
	else
		u16(m, 0xc00c); /* the question's name */
	rr(m, CC_DNS_TYPE_A, CC_DNS_CLASS_IN, ttl, 4);
	bytes(m, addr, 4);
}

static void aaaa_rr(struct msg *m, const char *owner, uint32_t ttl, const char *v6)
{
	uint8_t addr[16];

	assert_int_equal(inet_pton(AF_INET6, v6, addr), 1);
	name(m, owner);
	rr(m, CC_DNS_TYPE_AAAA, CC_DNS_CLASS_IN, ttl, 16);
	bytes(m, addr, 16);
}

static void cname_rr(struct msg *m, const char *owner, uint32_t ttl, const char *target)
{
	size_t rdlen;

	name(m, owner);
	rr(m, CC_DNS_TYPE_CNAME, CC_DNS_CLASS_IN, ttl, 0);
	rdlen = m->n;
	name(m, target);
	m->b[rdlen - 2] = (uint8_t)((m->n - rdlen) >> 8);
	m->b[rdlen - 1] = (uint8_t)(m->n - rdlen);
}

/* A query for qname, parsed; the base of the answer tests. */
static struct cc_dns_query query_for(const char *qname, unsigned qtype, bool edns)
{
	struct cc_dns_query q;
	struct msg m;

	hdr(&m, 0x4242, CC_DNS_FLAG_RD, 1, 0, 0, edns ? 1 : 0);
	question(&m, qname, qtype);
	if (edns)
		opt(&m, 1232);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	return q;
}

static void answer_hdr(struct msg *m, const char *qname, unsigned qtype, unsigned an)
{
	hdr(m, 0x4242, CC_DNS_FLAG_QR | CC_DNS_FLAG_RD | CC_DNS_FLAG_RA, 1, an, 0, 0);
	question(m, qname, qtype);
}

static const char *addr_text(const struct cc_dns_addr *a, char *buf, size_t size)
{
	return inet_ntop(a->family, a->addr, buf, (socklen_t)size);
}

/* --- queries --------------------------------------------------------- */

static void query_plain_and_edns(void **state)
{
	struct cc_dns_query q;
	struct msg m;

	(void)state;
	hdr(&m, 0xbeef, CC_DNS_FLAG_RD, 1, 0, 0, 0);
	question(&m, "Api.EXAMPLE.com", CC_DNS_TYPE_AAAA);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	assert_int_equal(q.id, 0xbeef);
	assert_int_equal(q.flags, CC_DNS_FLAG_RD);
	assert_string_equal(q.name, "api.example.com");
	assert_int_equal(q.qtype, CC_DNS_TYPE_AAAA);
	assert_int_equal(q.qclass, CC_DNS_CLASS_IN);
	assert_false(q.edns);
	assert_int_equal(q.edns_udp_size, 512);
	assert_false(q.header_only);

	hdr(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "example.com", CC_DNS_TYPE_A);
	opt(&m, 4096);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	assert_true(q.edns);
	assert_int_equal(q.edns_udp_size, 4096);

	/* A payload size under 512 counts as 512 (RFC 6891 6.2.3). */
	hdr(&m, 1, 0, 1, 0, 0, 1);
	question(&m, "example.com", CC_DNS_TYPE_A);
	opt(&m, 100);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	assert_true(q.edns);
	assert_int_equal(q.edns_udp_size, 512);

	/* Another record in the additional section (a TSIG, say) is skipped. */
	hdr(&m, 1, 0, 1, 0, 0, 2);
	question(&m, "example.com", CC_DNS_TYPE_A);
	name(&m, "key.example");
	rr(&m, 250, 255, 0, 3);
	bytes(&m, "abc", 3);
	opt(&m, 1400);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	assert_int_equal(q.edns_udp_size, 1400);
}

static void query_root_and_longest_name(void **state)
{
	struct cc_dns_query q;
	struct msg m;
	char longest[256];

	(void)state;
	hdr(&m, 7, 0, 1, 0, 0, 0);
	question(&m, "", 2);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	assert_string_equal(q.name, "");
	assert_int_equal(q.qtype, 2);

	/* 63+1+63+1+63+1+61 = 253 characters, 255 bytes on the wire. */
	memset(longest, 'a', 253);
	longest[63] = longest[127] = longest[191] = '.';
	longest[253] = '\0';
	hdr(&m, 7, 0, 1, 0, 0, 0);
	question(&m, longest, CC_DNS_TYPE_A);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	assert_string_equal(q.name, longest);

	/* One more character is a name of 256 bytes. */
	longest[253] = 'a';
	longest[254] = '\0';
	hdr(&m, 7, 0, 1, 0, 0, 0);
	question(&m, longest, CC_DNS_TYPE_A);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), CC_DNS_RCODE_FORMERR);
	assert_true(q.header_only);
}

/* A query that is refused with rcode; header_only as expected. */
static void refused(const struct msg *m, int rcode, bool header_only)
{
	struct cc_dns_query q;

	assert_int_equal(cc_dns_parse_query(m->b, m->n, &q), rcode);
	assert_int_equal(q.id, 0x0102);
	assert_int_equal(q.header_only, header_only);
}

static void query_refusals(void **state)
{
	static const char *const bad_names[] = {"a b.com", "caf\xc3\xa9.com", "tab\t.com", "del\x7f.com"};
	struct cc_dns_query q;
	struct msg m;

	(void)state;
	assert_int_equal(cc_dns_parse_query((const uint8_t *)"\x01\x02\x00\x00\x00\x01\x00\x00\x00\x00\x00", 11, &q),
			 -1);
	hdr(&m, 0x0102, CC_DNS_FLAG_QR, 1, 0, 0, 0);
	question(&m, "example.com", CC_DNS_TYPE_A);
	refused(&m, CC_DNS_RCODE_FORMERR, true);
	hdr(&m, 0x0102, 2 << 11, 1, 0, 0, 0); /* opcode STATUS */
	question(&m, "example.com", CC_DNS_TYPE_A);
	refused(&m, CC_DNS_RCODE_NOTIMP, true);
	hdr(&m, 0x0102, 0, 0, 0, 0, 0);
	refused(&m, CC_DNS_RCODE_FORMERR, true);
	hdr(&m, 0x0102, 0, 2, 0, 0, 0);
	question(&m, "example.com", CC_DNS_TYPE_A);
	question(&m, "example.org", CC_DNS_TYPE_A);
	refused(&m, CC_DNS_RCODE_FORMERR, true);
	/* Answer or authority records: the question is read, then refused. */
	hdr(&m, 0x0102, 0, 1, 1, 0, 0);
	question(&m, "example.com", CC_DNS_TYPE_A);
	a_rr(&m, NULL, 1, "192.0.2.1");
	refused(&m, CC_DNS_RCODE_FORMERR, false);
	hdr(&m, 0x0102, 0, 1, 0, 1, 0);
	question(&m, "example.com", CC_DNS_TYPE_A);
	a_rr(&m, NULL, 1, "192.0.2.1");
	refused(&m, CC_DNS_RCODE_FORMERR, false);
	/* Two OPT records; an OPT owned by another name than the root. */
	hdr(&m, 0x0102, 0, 1, 0, 0, 2);
	question(&m, "example.com", CC_DNS_TYPE_A);
	opt(&m, 1232);
	opt(&m, 1232);
	refused(&m, CC_DNS_RCODE_FORMERR, false);
	hdr(&m, 0x0102, 0, 1, 0, 0, 1);
	question(&m, "example.com", CC_DNS_TYPE_A);
	name(&m, "x");
	rr(&m, CC_DNS_TYPE_OPT, 1232, 0, 0);
	refused(&m, CC_DNS_RCODE_FORMERR, false);
	/* Trailing garbage, and an OPT cut short. */
	hdr(&m, 0x0102, 0, 1, 0, 0, 0);
	question(&m, "example.com", CC_DNS_TYPE_A);
	u8(&m, 0);
	refused(&m, CC_DNS_RCODE_FORMERR, false);
	hdr(&m, 0x0102, 0, 1, 0, 0, 1);
	question(&m, "example.com", CC_DNS_TYPE_A);
	opt(&m, 1232);
	m.n--;
	refused(&m, CC_DNS_RCODE_FORMERR, false);
	/* The question cut short. */
	hdr(&m, 0x0102, 0, 1, 0, 0, 0);
	question(&m, "example.com", CC_DNS_TYPE_A);
	m.n -= 1;
	refused(&m, CC_DNS_RCODE_FORMERR, true);
	/* Names outside printable ASCII, or with a dot inside a label. */
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		hdr(&m, 0x0102, 0, 1, 0, 0, 0);
		question(&m, bad_names[i], CC_DNS_TYPE_A);
		refused(&m, CC_DNS_RCODE_FORMERR, true);
	}
	hdr(&m, 0x0102, 0, 1, 0, 0, 0);
	u8(&m, 3);
	bytes(&m, "a.b", 3);
	u8(&m, 0);
	u16(&m, CC_DNS_TYPE_A);
	u16(&m, CC_DNS_CLASS_IN);
	refused(&m, CC_DNS_RCODE_FORMERR, true);
	/* A label of 64 (its length byte reads as the reserved 01 type). */
	hdr(&m, 0x0102, 0, 1, 0, 0, 0);
	u8(&m, 64);
	for (int i = 0; i < 64; i++)
		u8(&m, 'a');
	u8(&m, 0);
	u16(&m, CC_DNS_TYPE_A);
	u16(&m, CC_DNS_CLASS_IN);
	refused(&m, CC_DNS_RCODE_FORMERR, true);
}

/* Pointers that do not point strictly backwards, in a query and an answer. */
static void pointer_loops(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_A, false), bad;
	struct cc_dns_answer a;
	struct msg m;

	(void)state;
	/* The question's name a pointer to itself, and one past itself. */
	hdr(&m, 0x0102, 0, 1, 0, 0, 0);
	u16(&m, 0xc00c);
	u16(&m, CC_DNS_TYPE_A);
	u16(&m, CC_DNS_CLASS_IN);
	refused(&m, CC_DNS_RCODE_FORMERR, true);
	hdr(&m, 0x0102, 0, 1, 0, 0, 0);
	u16(&m, 0xc00e);
	u8(&m, 0);
	u16(&m, CC_DNS_TYPE_A);
	u16(&m, CC_DNS_CLASS_IN);
	refused(&m, CC_DNS_RCODE_FORMERR, true);
	/* A label then a pointer back to that label: a loop through labels. */
	hdr(&m, 0x0102, 0, 1, 0, 0, 0);
	u8(&m, 1);
	u8(&m, 'a');
	u16(&m, 0xc00c);
	u16(&m, CC_DNS_TYPE_A);
	u16(&m, CC_DNS_CLASS_IN);
	refused(&m, CC_DNS_RCODE_FORMERR, true);

	/* A name that ends by pointing into the header (at the ID's first
	 * byte, 0 here: the gate would read "example.com", a server reading
	 * the gate's own ID something else). */
	hdr(&m, 0x0042, CC_DNS_FLAG_RD, 1, 0, 0, 0);
	u8(&m, 7);
	bytes(&m, "example", 7);
	u8(&m, 3);
	bytes(&m, "com", 3);
	u16(&m, 0xc000);
	u16(&m, CC_DNS_TYPE_A);
	u16(&m, CC_DNS_CLASS_IN);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &bad), CC_DNS_RCODE_FORMERR);
	assert_true(bad.header_only);

	/* In an answer: a record owner pointing forward, to a later record. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 2);
	u16(&m, 0xc000 | (unsigned)(m.n + 16));
	rr(&m, CC_DNS_TYPE_A, CC_DNS_CLASS_IN, 1, 4);
	u32(&m, 0xc0000201);
	a_rr(&m, NULL, 1, "192.0.2.2");
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	/* Two pointers that point at each other: the second one is forward. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 1);
	u16(&m, 0xc000 | (unsigned)(m.n + 2));
	u16(&m, 0xc000 | (unsigned)(m.n - 2));
	rr(&m, CC_DNS_TYPE_A, CC_DNS_CLASS_IN, 1, 4);
	u32(&m, 0xc0000201);
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	/* The reserved 10 label type. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 1);
	u16(&m, 0x800c);
	rr(&m, CC_DNS_TYPE_A, CC_DNS_CLASS_IN, 1, 4);
	u32(&m, 0xc0000201);
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
}

/* A name through 128 pointers reads (a name of 127 one-letter labels could
 * need that many); through 129, bare pointers that only cost time, not. */
static void pointer_jumps_bounded(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_A, false);
	struct cc_dns_answer a;
	struct msg m;

	(void)state;
	for (unsigned hops = 127; hops <= 128; hops++) {
		size_t base;

		answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 2);
		/* A record of an unknown type holding the chain of pointers. */
		u16(&m, 0xc00c);
		rr(&m, 99, CC_DNS_CLASS_IN, 1, 2 * hops);
		base = m.n;
		for (unsigned k = 0; k < hops; k++)
			u16(&m, k == 0 ? 0xc00c : 0xc000 | (unsigned)(base + 2 * (k - 1)));
		u16(&m, 0xc000 | (unsigned)(base + 2 * (hops - 1)));
		rr(&m, CC_DNS_TYPE_A, CC_DNS_CLASS_IN, 1, 4);
		u32(&m, 0xc0000201);
		assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), hops == 127 ? 0 : -1);
		if (hops == 127)
			assert_int_equal(a.addr_count, 1);
	}
}

/* The query upstream is written anew: the gate's ID, RD and nothing else of
 * the flags, the question as read, a bare OPT; the chat's other records
 * and its EDNS options stay behind. */
static void query_built_anew_and_set_id(void **state)
{
	struct cc_dns_query q, sent;
	uint8_t out[512];
	struct msg m, want;
	size_t n;

	(void)state;
	hdr(&m, 0x0102, CC_DNS_FLAG_RD | 0x0030 /* AD, CD */, 1, 0, 0, 2);
	question(&m, "Example.COM", CC_DNS_TYPE_A);
	name(&m, "data.to.carry.out"); /* a record of another type */
	rr(&m, 250, 255, 0, 4);
	u32(&m, 0x41424344);
	u8(&m, 0); /* an OPT with an option (client subnet, 8 bytes) */
	u16(&m, CC_DNS_TYPE_OPT);
	u16(&m, 4096);
	u32(&m, 0x00008000);
	u16(&m, 12);
	u16(&m, 8);
	u16(&m, 8);
	u32(&m, 0x00012000);
	u32(&m, 0xc0000201);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	n = cc_dns_build_query(&q, 0xa1b2, out, sizeof(out));
	hdr(&want, 0xa1b2, CC_DNS_FLAG_RD, 1, 0, 0, 1);
	question(&want, "example.com", CC_DNS_TYPE_A);
	opt(&want, 1232);
	assert_int_equal(n, want.n);
	assert_memory_equal(out, want.b, want.n);
	assert_int_equal(cc_dns_parse_query(out, n, &sent), 0);
	assert_string_equal(sent.name, "example.com");
	assert_int_equal(cc_dns_build_query(&q, 1, out, n - 1), 0);
	/* Without EDNS0 none goes upstream either. */
	hdr(&m, 0x0102, 0, 1, 0, 0, 0);
	question(&m, "example.com", CC_DNS_TYPE_AAAA);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	n = cc_dns_build_query(&q, 0x0102, out, sizeof(out));
	assert_int_equal(n, m.n);
	assert_memory_equal(out, m.b, m.n);
	cc_dns_set_id(out, n, 0x0304);
	assert_int_equal(out[0], 0x03);
	assert_int_equal(out[1], 0x04);
	cc_dns_set_id(out, 1, 0xffff); /* too short: left alone */
	assert_int_equal(out[0], 0x03);
}

/* Every prefix of a query, each in a buffer of exactly its length. */
static void query_every_prefix(void **state)
{
	struct cc_dns_query q;
	struct msg m;

	(void)state;
	hdr(&m, 0x0102, CC_DNS_FLAG_RD, 1, 0, 0, 1);
	question(&m, "www.example.com", CC_DNS_TYPE_A);
	opt(&m, 1232);
	for (size_t n = 0; n < m.n; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		assert_non_null(copy);
		memcpy(copy, m.b, n);
		assert_int_equal(cc_dns_parse_query(copy, n, &q), n < CC_DNS_HEADER_LEN ? -1 : CC_DNS_RCODE_FORMERR);
		free(copy);
	}
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
}

/* --- answers --------------------------------------------------------- */

static void answer_addresses(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_A, false);
	struct cc_dns_answer a;
	struct msg m;
	char text[INET6_ADDRSTRLEN];

	(void)state;
	answer_hdr(&m, "WWW.Example.Com", CC_DNS_TYPE_A, 4);
	a_rr(&m, NULL, 300, "192.0.2.1");
	a_rr(&m, "www.EXAMPLE.com", 0x80000001u, "192.0.2.2"); /* top bit set: read as 0 */
	aaaa_rr(&m, "www.example.com", 0x7fffffffu, "2001:db8::1");
	a_rr(&m, "other.example.com", 300, "192.0.2.3"); /* another owner */
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), 0);
	assert_int_equal(a.id, 0x4242);
	assert_int_equal(a.flags, CC_DNS_FLAG_QR | CC_DNS_FLAG_RD | CC_DNS_FLAG_RA);
	assert_int_equal(a.chain_len, 1);
	assert_string_equal(a.chain[0], "www.example.com");
	assert_int_equal(a.addr_count, 3);
	assert_int_equal(a.other_records, 1);
	assert_int_equal(a.addrs[0].family, AF_INET);
	assert_string_equal(addr_text(&a.addrs[0], text, sizeof(text)), "192.0.2.1");
	assert_int_equal(a.addrs[0].ttl, 300);
	assert_string_equal(addr_text(&a.addrs[1], text, sizeof(text)), "192.0.2.2");
	assert_int_equal(a.addrs[1].ttl, 0);
	assert_int_equal(a.addrs[2].family, AF_INET6);
	assert_string_equal(addr_text(&a.addrs[2], text, sizeof(text)), "2001:db8::1");
	assert_int_equal(a.addrs[2].ttl, 0x7fffffffu);

	/* NXDOMAIN with an SOA in the authority section, read no further. */
	hdr(&m, 0x4242, CC_DNS_FLAG_QR | CC_DNS_RCODE_NXDOMAIN, 1, 0, 1, 0);
	question(&m, "www.example.com", CC_DNS_TYPE_A);
	u16(&m, 0xc010);
	rr(&m, 6, CC_DNS_CLASS_IN, 60, 3);
	bytes(&m, "xyz", 3);
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), 0);
	assert_int_equal(CC_DNS_RCODE(a.flags), CC_DNS_RCODE_NXDOMAIN);
	assert_int_equal(a.addr_count, 0);
	assert_int_equal(a.other_records, 0);
}

static void answer_rdata_sizes_and_classes(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_A, false);
	struct cc_dns_answer a;
	struct msg m;

	(void)state;
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 1);
	u16(&m, 0xc00c);
	rr(&m, CC_DNS_TYPE_A, CC_DNS_CLASS_IN, 1, 5);
	bytes(&m, "\xc0\x00\x02\x01\x00", 5);
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 1);
	u16(&m, 0xc00c);
	rr(&m, CC_DNS_TYPE_AAAA, CC_DNS_CLASS_IN, 1, 4);
	u32(&m, 0xc0000201);
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	/* A CNAME whose target does not fill its RDATA. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 1);
	u16(&m, 0xc00c);
	rr(&m, CC_DNS_TYPE_CNAME, CC_DNS_CLASS_IN, 1, 3);
	u8(&m, 1);
	u8(&m, 'x');
	u8(&m, 0);
	m.b[m.n - 4] = 4; /* RDLENGTH 4 */
	u8(&m, 0);
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	/* RDATA past the end. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 1);
	u16(&m, 0xc00c);
	rr(&m, CC_DNS_TYPE_A, CC_DNS_CLASS_IN, 1, 4);
	u16(&m, 0xc000);
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	/* Another class: neither checked nor counted as an address. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 2);
	u16(&m, 0xc00c);
	rr(&m, CC_DNS_TYPE_A, 3, 1, 7);
	bytes(&m, "chaosaa", 7);
	u16(&m, 0xc00c);
	rr(&m, CC_DNS_TYPE_CNAME, 3, 1, 1);
	u8(&m, 0);
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), 0);
	assert_int_equal(a.addr_count, 0);
	assert_int_equal(a.chain_len, 1);
	assert_int_equal(a.other_records, 2);
}

static void answer_mismatches(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_A, false);
	struct cc_dns_answer a;
	struct msg m;

	(void)state;
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 1);
	a_rr(&m, NULL, 1, "192.0.2.1");
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), 0); /* the control */
	m.b[1] ^= 1;
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	m.b[1] ^= 1;
	m.b[2] &= 0x7f; /* QR clear */
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	answer_hdr(&m, "www.example.org", CC_DNS_TYPE_A, 1);
	a_rr(&m, NULL, 1, "192.0.2.1");
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_AAAA, 0);
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	hdr(&m, 0x4242, CC_DNS_FLAG_QR | CC_DNS_RCODE_REFUSED, 0, 0, 0, 0); /* no question */
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 1);
	m.b[7] = 2; /* two answers, one there */
	a_rr(&m, NULL, 1, "192.0.2.1");
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
}

static void answer_cname_chains(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_A, false);
	struct cc_dns_answer a;
	struct msg m;
	size_t target;
	char text[INET6_ADDRSTRLEN];

	(void)state;
	/* In order, the second target compressed against the first. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 4);
	cname_rr(&m, "www.example.com", 60, "edge.cdn.example.net");
	target = m.n - 22; /* "edge.cdn.example.net" */
	u16(&m, 0xc000 | (unsigned)target);
	rr(&m, CC_DNS_TYPE_CNAME, CC_DNS_CLASS_IN, 30, 4);
	u8(&m, 1);
	u8(&m, 'z');
	u16(&m, 0xc000 | (unsigned)(target + 5)); /* z.cdn.example.net */
	a_rr(&m, "www.example.com", 5, "192.0.2.9"); /* not the last name */
	a_rr(&m, "Z.cdn.example.net", 20, "198.51.100.7");
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), 0);
	assert_int_equal(a.chain_len, 3);
	assert_string_equal(a.chain[0], "www.example.com");
	assert_string_equal(a.chain[1], "edge.cdn.example.net");
	assert_string_equal(a.chain[2], "z.cdn.example.net");
	assert_int_equal(a.chain_ttl[0], 60);
	assert_int_equal(a.chain_ttl[1], 30);
	assert_int_equal(a.addr_count, 1);
	assert_string_equal(addr_text(&a.addrs[0], text, sizeof(text)), "198.51.100.7");
	assert_int_equal(a.other_records, 1);

	/* Out of order: the later link comes first and is not followed. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 3);
	cname_rr(&m, "b.example.net", 60, "c.example.net");
	cname_rr(&m, "www.example.com", 60, "b.example.net");
	a_rr(&m, "c.example.net", 60, "192.0.2.1");
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), 0);
	assert_int_equal(a.chain_len, 2);
	assert_string_equal(a.chain[1], "b.example.net");
	assert_int_equal(a.addr_count, 0);
	assert_int_equal(a.other_records, 2);

	/* A second CNAME for a name of the chain is another record. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 2);
	cname_rr(&m, "www.example.com", 60, "b.example.net");
	cname_rr(&m, "www.example.com", 60, "c.example.net");
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), 0);
	assert_int_equal(a.chain_len, 2);
	assert_int_equal(a.other_records, 1);

	/* Loops: to itself, and back to the question. */
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 1);
	cname_rr(&m, "www.example.com", 60, "WWW.example.com");
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
	answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, 2);
	cname_rr(&m, "www.example.com", 60, "b.example.net");
	cname_rr(&m, "b.example.net", 60, "www.example.com");
	assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
}

static void answer_chain_limit(void **state)
{
	struct cc_dns_query q = query_for("n0.example", CC_DNS_TYPE_A, false);
	struct cc_dns_answer a;
	struct msg m;
	char owner[24], target[24];

	(void)state;
	for (unsigned links = CC_DNS_CHAIN_MAX; links <= CC_DNS_CHAIN_MAX + 1; links++) {
		answer_hdr(&m, "n0.example", CC_DNS_TYPE_A, links);
		for (unsigned i = 0; i < links; i++) {
			snprintf(owner, sizeof(owner), "n%u.example", i);
			snprintf(target, sizeof(target), "n%u.example", i + 1);
			cname_rr(&m, owner, i, target);
		}
		if (links == CC_DNS_CHAIN_MAX) {
			assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), 0);
			assert_int_equal(a.chain_len, CC_DNS_CHAIN_MAX + 1);
			assert_string_equal(a.chain[CC_DNS_CHAIN_MAX], "n8.example");
			assert_int_equal(a.chain_ttl[CC_DNS_CHAIN_MAX - 1], CC_DNS_CHAIN_MAX - 1);
		} else {
			assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), -1);
		}
	}
}

static void answer_address_limit(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_A, false);
	struct cc_dns_answer a;
	struct msg m;

	(void)state;
	for (unsigned count = CC_DNS_ADDRS_MAX; count <= CC_DNS_ADDRS_MAX + 1; count++) {
		answer_hdr(&m, "www.example.com", CC_DNS_TYPE_A, count);
		for (unsigned i = 0; i < count; i++) {
			u16(&m, 0xc00c);
			rr(&m, CC_DNS_TYPE_A, CC_DNS_CLASS_IN, 1, 4);
			u32(&m, 0xc0000200 | i);
		}
		assert_int_equal(cc_dns_parse_answer(m.b, m.n, &q, &a), count == CC_DNS_ADDRS_MAX ? 0 : -1);
	}
}

/* Every prefix of an answer, each in a buffer of exactly its length: -1 up
 * to the end of the answer section, 0 from there (the rest is not read). */
static void answer_every_prefix(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_AAAA, true);
	struct cc_dns_answer a;
	struct msg m;
	size_t answers_end;

	(void)state;
	hdr(&m, 0x4242, CC_DNS_FLAG_QR | CC_DNS_FLAG_RD, 1, 3, 1, 1);
	question(&m, "www.example.com", CC_DNS_TYPE_AAAA);
	cname_rr(&m, "www.example.com", 60, "cdn.example.net");
	u16(&m, 0xc000 | (unsigned)(m.n - 17));
	rr(&m, CC_DNS_TYPE_AAAA, CC_DNS_CLASS_IN, 60, 16);
	bytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	aaaa_rr(&m, "cdn.example.net", 60, "2001:db8::2");
	answers_end = m.n;
	name(&m, "example.net");
	rr(&m, 2, CC_DNS_CLASS_IN, 60, 2);
	u16(&m, 0xc000 | (unsigned)(answers_end));
	opt(&m, 1232);
	for (size_t n = 0; n <= m.n; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		assert_non_null(copy);
		memcpy(copy, m.b, n);
		assert_int_equal(cc_dns_parse_answer(copy, n, &q, &a), n < answers_end ? -1 : 0);
		free(copy);
	}
	assert_int_equal(a.addr_count, 2);
	assert_int_equal(a.chain_len, 2);
}

/* --- answers the gate writes ------------------------------------------- */

static void build_error_replies(void **state)
{
	static const uint8_t with_question[] = {
		0x01, 0x02, 0x81, 0x85, 0, 1, 0, 0, 0, 0, 0, 1, /* QR RD RA, REFUSED, one OPT */
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0, /* OPT, payload 1232 */
	};
	static const uint8_t bare[] = {0x01, 0x02, 0x80, 0x81, 0, 0, 0, 0, 0, 0, 0, 0};
	struct cc_dns_query q;
	struct msg m;
	uint8_t out[512];

	(void)state;
	hdr(&m, 0x0102, CC_DNS_FLAG_RD, 1, 0, 0, 1);
	question(&m, "EXAMPLE.com", CC_DNS_TYPE_A);
	opt(&m, 4096);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	assert_int_equal(cc_dns_build_error(&q, CC_DNS_RCODE_REFUSED, out, sizeof(out)), sizeof(with_question));
	assert_memory_equal(out, with_question, sizeof(with_question));
	assert_int_equal(cc_dns_build_error(&q, CC_DNS_RCODE_REFUSED, out, sizeof(with_question) - 1), 0);

	/* QR set in the query: a bare header, RD clear as it came. */
	hdr(&m, 0x0102, CC_DNS_FLAG_QR, 1, 0, 0, 0);
	question(&m, "example.com", CC_DNS_TYPE_A);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), CC_DNS_RCODE_FORMERR);
	assert_int_equal(cc_dns_build_error(&q, CC_DNS_RCODE_FORMERR, out, sizeof(out)), sizeof(bare));
	assert_memory_equal(out, bare, sizeof(bare));
	assert_int_equal(cc_dns_build_error(&q, CC_DNS_RCODE_FORMERR, out, 11), 0);
	/* NOTIMP to a STATUS query: its opcode copied back. */
	hdr(&m, 0x0102, 2 << 11, 1, 0, 0, 0);
	question(&m, "example.com", CC_DNS_TYPE_A);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), CC_DNS_RCODE_NOTIMP);
	assert_int_equal(cc_dns_build_error(&q, CC_DNS_RCODE_NOTIMP, out, sizeof(out)), 12);
	assert_int_equal(out[2], 0x90);
	assert_int_equal(out[3], 0x84);

	/* Without EDNS: the question, no OPT; it reads back as an answer. */
	hdr(&m, 0x0102, CC_DNS_FLAG_RD, 1, 0, 0, 0);
	question(&m, "example.com", CC_DNS_TYPE_A);
	assert_int_equal(cc_dns_parse_query(m.b, m.n, &q), 0);
	assert_int_equal(cc_dns_build_error(&q, CC_DNS_RCODE_SERVFAIL, out, sizeof(out)), 29);
	assert_memory_equal(out, with_question, 2);
	assert_int_equal(out[2], 0x81);
	assert_int_equal(out[3], 0x82);
	assert_int_equal(out[11], 0);
	{
		struct cc_dns_answer a;

		assert_int_equal(cc_dns_parse_answer(out, 29, &q, &a), 0);
		assert_int_equal(CC_DNS_RCODE(a.flags), CC_DNS_RCODE_SERVFAIL);
	}
}

/* An answer of n addresses (192.0.2.i, or 2001:db8::i when v6) for q. */
static void answer_of(struct cc_dns_answer *a, const struct cc_dns_query *q, unsigned n, bool v6)
{
	memset(a, 0, sizeof(*a));
	a->id = q->id;
	a->flags = CC_DNS_FLAG_QR | CC_DNS_FLAG_RD | CC_DNS_FLAG_RA | CC_DNS_FLAG_AA | 0x0020 /* AD */;
	memcpy(a->chain[0], q->name, sizeof(a->chain[0]));
	a->chain_len = 1;
	for (unsigned i = 0; i < n; i++) {
		a->addrs[i].family = v6 ? AF_INET6 : AF_INET;
		a->addrs[i].ttl = 100 + i;
		if (v6) {
			a->addrs[i].addr[0] = 0x20;
			a->addrs[i].addr[1] = 0x01;
			a->addrs[i].addr[2] = 0x0d;
			a->addrs[i].addr[3] = 0xb8;
			a->addrs[i].addr[15] = (uint8_t)i;
		} else {
			a->addrs[i].addr[0] = 192;
			a->addrs[i].addr[2] = 2;
			a->addrs[i].addr[3] = (uint8_t)i;
		}
	}
	a->addr_count = n;
}

static void build_answer_keeps_and_reads_back(void **state)
{
	static const uint8_t expected[] = {
		0x42, 0x42, 0x85, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, /* QR AA RD RA (AD dropped) */
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 101, 0, 4, 192, 0, 2, 1,
	};
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_A, false);
	struct cc_dns_answer a, back;
	bool keep[3] = {false, true, false};
	uint8_t out[512];
	size_t n;

	(void)state;
	answer_of(&a, &q, 3, false);
	n = cc_dns_build_answer(&q, &a, keep, 512, out, sizeof(out));
	assert_int_equal(n, sizeof(expected));
	assert_memory_equal(out, expected, sizeof(expected));
	assert_int_equal(cc_dns_parse_answer(out, n, &q, &back), 0);
	assert_int_equal(back.addr_count, 1);
	assert_memory_equal(back.addrs[0].addr, a.addrs[1].addr, 4);

	/* None kept: NOERROR with no records (NODATA). */
	keep[1] = false;
	n = cc_dns_build_answer(&q, &a, keep, 512, out, sizeof(out));
	assert_int_equal(n, 33);
	assert_int_equal(out[7], 0);

	/* Too small for the header and question. */
	assert_int_equal(cc_dns_build_answer(&q, &a, keep, 512, out, 32), 0);
}

static void build_answer_chain_round_trip(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_AAAA, true);
	struct cc_dns_answer a, back;
	bool keep[2] = {true, true};
	uint8_t out[1232];
	size_t n;

	(void)state;
	answer_of(&a, &q, 2, true);
	snprintf(a.chain[1], sizeof(a.chain[1]), "cdn.example.net");
	snprintf(a.chain[2], sizeof(a.chain[2]), "edge.cdn.example.net");
	a.chain_ttl[0] = 60;
	a.chain_ttl[1] = 0x90000000u; /* over 2^31-1: written as 2^31-1 */
	a.chain_len = 3;
	n = cc_dns_build_answer(&q, &a, keep, q.edns_udp_size, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(out[2] & (CC_DNS_FLAG_TC >> 8), 0);
	assert_int_equal(out[11], 1); /* the OPT record */
	assert_int_equal(cc_dns_parse_answer(out, n, &q, &back), 0);
	assert_int_equal(back.chain_len, 3);
	assert_string_equal(back.chain[2], "edge.cdn.example.net");
	assert_int_equal(back.chain_ttl[0], 60);
	assert_int_equal(back.chain_ttl[1], 0x7fffffffu);
	assert_int_equal(back.addr_count, 2);
	assert_int_equal(back.other_records, 0);
	assert_memory_equal(back.addrs, a.addrs, sizeof(a.addrs[0]) * 2);
}

/* 40 A records of 16 bytes after 33 bytes of header and question: 29 fit
 * in 512 (497 bytes), and with an OPT record (11 bytes) still 29. */
static void build_answer_truncates_to_limit(void **state)
{
	struct cc_dns_query q = query_for("www.example.com", CC_DNS_TYPE_A, false);
	struct cc_dns_query qe = query_for("www.example.com", CC_DNS_TYPE_A, true);
	struct cc_dns_answer a, back;
	bool keep[40];
	uint8_t out[CC_DNS_MSG_MAX];
	size_t n;

	(void)state;
	memset(keep, 1, sizeof(keep));
	answer_of(&a, &q, 40, false);
	n = cc_dns_build_answer(&q, &a, keep, 512, out, sizeof(out));
	assert_int_equal(n, 33 + 29 * 16);
	assert_int_equal(out[2], 0x87); /* QR AA TC RD */
	assert_int_equal(out[7], 29);
	assert_int_equal(cc_dns_parse_answer(out, n, &q, &back), 0);
	assert_int_equal(back.addr_count, 29);
	assert_memory_equal(back.addrs[28].addr, a.addrs[28].addr, 4);

	n = cc_dns_build_answer(&qe, &a, keep, 512, out, sizeof(out));
	assert_int_equal(n, 33 + 29 * 16 + 11);
	assert_int_equal(out[7], 29);
	assert_int_equal(out[11], 1);
	assert_int_equal(out[2] & (CC_DNS_FLAG_TC >> 8), CC_DNS_FLAG_TC >> 8);
	/* Room for a 30th record, but not for it and the OPT record. */
	n = cc_dns_build_answer(&qe, &a, keep, 33 + 30 * 16, out, sizeof(out));
	assert_int_equal(n, 33 + 29 * 16 + 11);
	assert_int_equal(out[7], 29);

	/* Over TCP all 40 fit, TC clear. */
	n = cc_dns_build_answer(&q, &a, keep, CC_DNS_MSG_MAX, out, sizeof(out));
	assert_int_equal(n, 33 + 40 * 16);
	assert_int_equal(out[2], 0x85);
	/* out_size below the limit cuts as well: 20 records in 353 bytes. */
	n = cc_dns_build_answer(&q, &a, keep, CC_DNS_MSG_MAX, out, 33 + 20 * 16 + 15);
	assert_int_equal(n, 33 + 20 * 16);
	assert_int_equal(out[2], 0x87);
	/* A limit below header and question: those alone, TC set. */
	n = cc_dns_build_answer(&q, &a, keep, 20, out, sizeof(out));
	assert_int_equal(n, 33);
	assert_int_equal(out[2], 0x87);
	assert_int_equal(out[7], 0);
}

/* A fixture: a stub resolver's query and a recursive resolver's answer as
 * they go on the wire (a CNAME to another zone, its address, the OPT), read
 * and rebuilt; the rebuilt answer reads back the same. */
static void fixture_round_trip(void **state)
{
	static const uint8_t query[] = {
		0x9d, 0x1e, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 'w',  'w',  'w',
		0x06, 'g',  'i',  't',  'h',  'u',  'b',  0x03, 'c',  'o',  'm',  0x00, 0x00, 0x01, 0x00, 0x01,
		0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t answer[] = {
		0x31, 0x7a, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x03, 'w',  'w',  'w',
		0x06, 'g',  'i',  't',  'h',  'u',  'b',  0x03, 'c',  'o',  'm',  0x00, 0x00, 0x01, 0x00, 0x01,
		/* www.github.com CNAME github.com (a pointer into the question) */
		0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x02, 0xc0, 0x10,
		/* github.com A 140.82.121.4 */
		0xc0, 0x10, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04, 0x8c, 0x52, 0x79, 0x04,
		0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	struct cc_dns_query q, sent;
	struct cc_dns_answer a, back;
	uint8_t upstream[512], out[512];
	bool keep[1] = {true};
	size_t n;

	(void)state;
	assert_int_equal(cc_dns_parse_query(query, sizeof(query), &q), 0);
	assert_string_equal(q.name, "www.github.com");
	assert_true(q.edns);
	assert_int_equal(q.edns_udp_size, 1232);
	/* Upstream with the gate's own ID. */
	n = cc_dns_build_query(&q, 0x317a, upstream, sizeof(upstream));
	assert_int_equal(n, sizeof(query));
	assert_int_equal(cc_dns_parse_query(upstream, n, &sent), 0);
	assert_int_equal(sent.id, 0x317a);
	assert_int_equal(cc_dns_parse_answer(answer, sizeof(answer), &sent, &a), 0);
	assert_int_equal(a.chain_len, 2);
	assert_string_equal(a.chain[1], "github.com");
	assert_int_equal(a.chain_ttl[0], 3600);
	assert_int_equal(a.addr_count, 1);
	assert_int_equal(a.addrs[0].ttl, 60);
	/* Rebuilt for the chat, with its ID. */
	n = cc_dns_build_answer(&q, &a, keep, q.edns_udp_size, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal(out[0], 0x9d);
	assert_int_equal(out[1], 0x1e);
	assert_int_equal(cc_dns_parse_answer(out, n, &q, &back), 0);
	assert_int_equal(back.chain_len, 2);
	assert_string_equal(back.chain[1], "github.com");
	assert_int_equal(back.chain_ttl[0], 3600);
	assert_int_equal(back.addr_count, 1);
	assert_memory_equal(&back.addrs[0], &a.addrs[0], sizeof(a.addrs[0]));
	/* Passed through as it is, with the chat's ID back. */
	memcpy(out, answer, sizeof(answer));
	cc_dns_set_id(out, sizeof(answer), q.id);
	assert_int_equal(cc_dns_parse_answer(out, sizeof(answer), &q, &back), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_plain_and_edns),
		cmocka_unit_test(query_root_and_longest_name),
		cmocka_unit_test(query_refusals),
		cmocka_unit_test(pointer_loops),
		cmocka_unit_test(pointer_jumps_bounded),
		cmocka_unit_test(query_built_anew_and_set_id),
		cmocka_unit_test(query_every_prefix),
		cmocka_unit_test(answer_addresses),
		cmocka_unit_test(answer_rdata_sizes_and_classes),
		cmocka_unit_test(answer_mismatches),
		cmocka_unit_test(answer_cname_chains),
		cmocka_unit_test(answer_chain_limit),
		cmocka_unit_test(answer_address_limit),
		cmocka_unit_test(answer_every_prefix),
		cmocka_unit_test(build_error_replies),
		cmocka_unit_test(build_answer_keeps_and_reads_back),
		cmocka_unit_test(build_answer_chain_round_trip),
		cmocka_unit_test(build_answer_truncates_to_limit),
		cmocka_unit_test(fixture_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
