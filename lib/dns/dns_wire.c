/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* RFC 1035 messages as the gate reads them. Every read is checked against
 * the message's length before it happens; a name is followed through at
 * most 255 bytes and pointers that only go backwards, so no input loops. */
#include "dns/dns_wire.h"

#include <string.h>
#include <sys/socket.h>

#define NAME_WIRE_MAX 255
#define LABEL_MAX 63
#define POINTER_BITS 0xc0
/* A pointer lands on a label or the root byte, so a name of 255 bytes (127
 * labels at most) needs at most 128 of them; chains of bare pointers past
 * that would only cost the gate time. */
#define JUMPS_MAX 128
#define RR_FIXED_LEN 10 /* type, class, TTL, RDLENGTH after the owner name */
#define TTL_TOP_BIT 0x80000000u

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A label byte the gate accepts: printable ASCII but not the space (names
 * go into logs as they are) and not '.', which would make the dotted text
 * ambiguous. Upper case is folded here. */
static int name_char(uint8_t c)
{
	if (c <= ' ' || c >= 0x7f || c == '.')
		return -1;
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Read the name at *off into text (CC_DNS_NAME_TEXT_MAX bytes), leaving *off
 * after its bytes in place (after the first pointer, if any). With text
 * NULL the name is only checked for its form, not its characters. */
static int read_name(const uint8_t *msg, size_t len, size_t *off, char *text)
{
	size_t pos = *off, end = 0, wire = 0, out = 0;
	size_t segment = pos; /* where the labels since the last jump began */
	unsigned jumps = 0;

	for (;;) {
		uint8_t n;

		if (pos >= len)
			return -1;
		n = msg[pos];
		if ((n & POINTER_BITS) == POINTER_BITS) {
			size_t target;

			if (pos + 1 >= len)
				return -1;
			target = (size_t)get16(msg + pos) & 0x3fff;
			/* Strictly before the labels read since the last jump (or
			 * the name's start): every jump lowers that, so this ends,
			 * and no name can contain itself. Never into the header:
			 * no name is there, and a name read from the ID would read
			 * otherwise once the gate gives the message its own ID. */
			if (target < CC_DNS_HEADER_LEN || target >= segment || ++jumps > JUMPS_MAX)
				return -1;
			if (jumps == 1)
				end = pos + 2;
			pos = segment = target;
			continue;
		}
		if (n & POINTER_BITS)
			return -1; /* the 01 and 10 label types (RFC 6891 retired them) */
		wire += 1u + n;
		/* A label leaves room for the root's byte after it, so the text
		 * never passes 253 characters. */
		if (wire + (n ? 1 : 0) > NAME_WIRE_MAX)
			return -1;
		if (n == 0)
			break;
		if (pos + 1 + n > len)
			return -1;
		if (text) {
			if (out > 0)
				text[out++] = '.';
			for (size_t i = 0; i < n; i++) {
				int c = name_char(msg[pos + 1 + i]);

				if (c < 0)
					return -1;
				text[out++] = (char)c;
			}
		}
		pos += 1u + n;
	}
	if (text)
		text[out] = '\0';
	*off = jumps ? end : pos + 1;
	return 0;
}

/* The fixed part of a resource record after its owner name. */
struct rr {
	uint16_t type, rclass;
	uint32_t ttl;
	size_t rdata, rdlen;
};

static int read_rr_fixed(const uint8_t *msg, size_t len, size_t *off, struct rr *rr)
{
	size_t p = *off;

	if (len - p < RR_FIXED_LEN)
		return -1;
	rr->type = get16(msg + p);
	rr->rclass = get16(msg + p + 2);
	rr->ttl = get32(msg + p + 4);
	rr->rdlen = get16(msg + p + 8);
	rr->rdata = p + RR_FIXED_LEN;
	if (len - rr->rdata < rr->rdlen)
		return -1;
	*off = rr->rdata + rr->rdlen;
	return 0;
}

static void header(const uint8_t *msg, uint16_t *id, uint16_t *flags, uint16_t counts[4])
{
	*id = get16(msg);
	*flags = get16(msg + 2);
	for (int i = 0; i < 4; i++)
		counts[i] = get16(msg + 4 + 2 * (size_t)i);
}

int cc_dns_parse_query(const uint8_t *msg, size_t len, struct cc_dns_query *q)
{
	uint16_t counts[4];
	size_t off = CC_DNS_HEADER_LEN;
	unsigned opts = 0;

	memset(q, 0, sizeof(*q));
	q->header_only = true;
	q->edns_udp_size = CC_DNS_UDP_MIN;
	if (len < CC_DNS_HEADER_LEN)
		return -1;
	header(msg, &q->id, &q->flags, counts);
	if (q->flags & CC_DNS_FLAG_QR)
		return CC_DNS_RCODE_FORMERR;
	if (CC_DNS_OPCODE(q->flags) != 0)
		return CC_DNS_RCODE_NOTIMP;
	if (counts[0] != 1)
		return CC_DNS_RCODE_FORMERR;
	if (read_name(msg, len, &off, q->name) != 0 || len - off < 4) {
		q->name[0] = '\0';
		return CC_DNS_RCODE_FORMERR;
	}
	q->qtype = get16(msg + off);
	q->qclass = get16(msg + off + 2);
	off += 4;
	q->header_only = false;
	if (counts[1] != 0 || counts[2] != 0)
		return CC_DNS_RCODE_FORMERR;
	for (unsigned i = 0; i < counts[3]; i++) {
		char owner[CC_DNS_NAME_TEXT_MAX];
		struct rr rr;

		if (read_name(msg, len, &off, owner) != 0 || read_rr_fixed(msg, len, &off, &rr) != 0)
			return CC_DNS_RCODE_FORMERR;
		if (rr.type != CC_DNS_TYPE_OPT)
			continue; /* TSIG and the like: not the gate's business */
		/* RFC 6891 6.1.1: one OPT, owned by the root. */
		if (++opts > 1 || owner[0] != '\0')
			return CC_DNS_RCODE_FORMERR;
		q->edns = true;
		q->edns_udp_size = rr.rclass < CC_DNS_UDP_MIN ? CC_DNS_UDP_MIN : rr.rclass;
	}
	if (off != len)
		return CC_DNS_RCODE_FORMERR;
	return 0;
}

/* One record of the answer section, its owner and (for a CNAME) target
 * read as text. */
struct answer_rr {
	struct rr rr;
	char owner[CC_DNS_NAME_TEXT_MAX];
	char target[CC_DNS_NAME_TEXT_MAX];
};

static int read_answer_rr(const uint8_t *msg, size_t len, size_t *off, struct answer_rr *r)
{
	size_t rd;

	if (read_name(msg, len, off, r->owner) != 0 || read_rr_fixed(msg, len, off, &r->rr) != 0)
		return -1;
	/* RFC 2181 8: a TTL with the top bit set is read as zero. */
	if (r->rr.ttl & TTL_TOP_BIT)
		r->rr.ttl = 0;
	if (r->rr.rclass != CC_DNS_CLASS_IN)
		return 0;
	switch (r->rr.type) {
	case CC_DNS_TYPE_A:
		return r->rr.rdlen == 4 ? 0 : -1;
	case CC_DNS_TYPE_AAAA:
		return r->rr.rdlen == 16 ? 0 : -1;
	case CC_DNS_TYPE_CNAME:
		rd = r->rr.rdata;
		/* The target must fill the RDATA exactly. */
		if (read_name(msg, len, &rd, r->target) != 0 || rd != r->rr.rdata + r->rr.rdlen)
			return -1;
		return 0;
	default:
		return 0;
	}
}

static bool in_chain(const struct cc_dns_answer *a, const char *name)
{
	for (unsigned i = 0; i < a->chain_len; i++)
		if (strcmp(a->chain[i], name) == 0)
			return true;
	return false;
}

int cc_dns_parse_answer(const uint8_t *msg, size_t len, const struct cc_dns_query *q, struct cc_dns_answer *a)
{
	uint16_t counts[4], qtype, qclass;
	char qname[CC_DNS_NAME_TEXT_MAX];
	struct answer_rr r;
	size_t off = CC_DNS_HEADER_LEN, records;
	unsigned link_at[CC_DNS_CHAIN_MAX], links = 0; /* the chain's records, by index */
	const char *last;

	memset(a, 0, sizeof(*a));
	if (len < CC_DNS_HEADER_LEN)
		return -1;
	header(msg, &a->id, &a->flags, counts);
	if (a->id != q->id || !(a->flags & CC_DNS_FLAG_QR) || CC_DNS_OPCODE(a->flags) != 0 || counts[0] != 1)
		return -1;
	if (read_name(msg, len, &off, qname) != 0 || len - off < 4)
		return -1;
	qtype = get16(msg + off);
	qclass = get16(msg + off + 2);
	off += 4;
	/* Both names are lower case already. */
	if (strcmp(qname, q->name) != 0 || qtype != q->qtype || qclass != q->qclass)
		return -1;
	memcpy(a->chain[0], q->name, sizeof(a->chain[0]));
	a->chain_len = 1;

	/* First walk: check every record and follow the CNAME chain in order. */
	records = off;
	for (unsigned i = 0; i < counts[1]; i++) {
		if (read_answer_rr(msg, len, &off, &r) != 0)
			return -1;
		if (r.rr.rclass != CC_DNS_CLASS_IN || r.rr.type != CC_DNS_TYPE_CNAME ||
		    strcmp(r.owner, a->chain[a->chain_len - 1]) != 0)
			continue;
		if (a->chain_len > CC_DNS_CHAIN_MAX || in_chain(a, r.target))
			return -1;
		link_at[a->chain_len - 1] = i;
		a->chain_ttl[a->chain_len - 1] = r.rr.ttl;
		memcpy(a->chain[a->chain_len], r.target, sizeof(r.target));
		a->chain_len++;
	}
	/* Second walk: the addresses of the chain's last name, now known. The
	 * records were checked above, so nothing here fails but the count. */
	last = a->chain[a->chain_len - 1];
	off = records;
	for (unsigned i = 0; i < counts[1]; i++) {
		struct cc_dns_addr *addr;
		bool is_a;

		(void)read_answer_rr(msg, len, &off, &r);
		is_a = r.rr.type == CC_DNS_TYPE_A;
		if (links < a->chain_len - 1 && link_at[links] == i) {
			links++;
			continue;
		}
		if (r.rr.rclass != CC_DNS_CLASS_IN || (!is_a && r.rr.type != CC_DNS_TYPE_AAAA) ||
		    strcmp(r.owner, last) != 0) {
			a->other_records++;
			continue;
		}
		if (a->addr_count == CC_DNS_ADDRS_MAX)
			return -1;
		addr = &a->addrs[a->addr_count++];
		addr->family = is_a ? AF_INET : AF_INET6;
		addr->ttl = r.rr.ttl;
		memcpy(addr->addr, msg + r.rr.rdata, r.rr.rdlen);
	}
	return 0;
}
