/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS messages as the gate (chatcelld's DNS gate) reads them: the one
 * question of a query, and the part of a response that matters to the
 * chat's allowlist: the CNAME chain from the question's name and the
 * addresses of its last name. Everything is bounded: a name is at most 255
 * bytes on the wire, a compression pointer must point backwards, a chain is
 * at most CC_DNS_CHAIN_MAX CNAMEs. Nothing here allocates. */
#ifndef CHATCELL_DNS_WIRE_H
#define CHATCELL_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CC_DNS_HEADER_LEN 12
#define CC_DNS_UDP_MIN 512      /* a UDP answer without EDNS0 */
#define CC_DNS_MSG_MAX 65535    /* over TCP */
#define CC_DNS_NAME_TEXT_MAX 254 /* 253 characters and the NUL */
#define CC_DNS_CHAIN_MAX 8       /* CNAMEs followed from the question */
#define CC_DNS_ADDRS_MAX 64      /* addresses kept from one answer */

enum {
	CC_DNS_TYPE_A = 1,
	CC_DNS_TYPE_CNAME = 5,
	CC_DNS_TYPE_AAAA = 28,
	CC_DNS_TYPE_OPT = 41,
	CC_DNS_CLASS_IN = 1,
};

enum {
	CC_DNS_RCODE_NOERROR = 0,
	CC_DNS_RCODE_FORMERR = 1,
	CC_DNS_RCODE_SERVFAIL = 2,
	CC_DNS_RCODE_NXDOMAIN = 3,
	CC_DNS_RCODE_NOTIMP = 4,
	CC_DNS_RCODE_REFUSED = 5,
};

/* Header flag bits (the 16-bit word after the ID). */
#define CC_DNS_FLAG_QR 0x8000
#define CC_DNS_FLAG_AA 0x0400
#define CC_DNS_FLAG_TC 0x0200
#define CC_DNS_FLAG_RD 0x0100
#define CC_DNS_FLAG_RA 0x0080
#define CC_DNS_OPCODE(flags) (((flags) >> 11) & 0xf)
#define CC_DNS_RCODE(flags) ((flags) & 0xf)

struct cc_dns_query {
	uint16_t id;
	uint16_t flags;                  /* as received */
	char name[CC_DNS_NAME_TEXT_MAX]; /* lower case, dotted, no trailing dot; "" is the root */
	uint16_t qtype, qclass;
	bool edns;               /* the query had an OPT record */
	uint16_t edns_udp_size;  /* its payload size, at least 512; 512 without EDNS0 */
	bool header_only;        /* parse failed before the question: answer with a bare header */
};

/* Read a query. Returns 0, or the RCODE to answer it with:
 * FORMERR (QR set, QDCOUNT other than 1, answer or authority records, more
 * than one OPT, a bad name, trailing garbage), NOTIMP (an opcode other than
 * QUERY). Returns -1 when it is too short to hold a header (drop it). On
 * FORMERR after the ID was read, q->id and q->flags are set, and
 * q->header_only says whether q->name/qtype/qclass were read. A name with a
 * byte outside printable ASCII (or a space), a '.' inside a label or a label
 * over 63 is FORMERR (such names match no rule anyway, and names stay
 * printable in logs and one word). Other additional records than OPT (TSIG)
 * are checked for their form and skipped. */
int cc_dns_parse_query(const uint8_t *msg, size_t len, struct cc_dns_query *q);

struct cc_dns_addr {
	int family;        /* AF_INET or AF_INET6 */
	uint8_t addr[16];  /* network byte order; IPv4 in the first 4 bytes */
	uint32_t ttl;      /* seconds, as received (one with the top bit set reads as 0, RFC 2181 8) */
};

struct cc_dns_answer {
	uint16_t id, flags; /* as received */
	/* chain[0] is the question's name; chain[i+1] is the target of the
	 * CNAME whose owner is chain[i]; chain_ttl[i] is that CNAME's TTL. */
	char chain[CC_DNS_CHAIN_MAX + 1][CC_DNS_NAME_TEXT_MAX];
	uint32_t chain_ttl[CC_DNS_CHAIN_MAX];
	unsigned chain_len; /* names in chain[], at least 1 */
	/* A and AAAA records (class IN) owned by the chain's last name. */
	struct cc_dns_addr addrs[CC_DNS_ADDRS_MAX];
	unsigned addr_count;
	unsigned other_records; /* answer records that are neither (ignored; dropped when rebuilt) */
};

/* Read a response to `q` (whose id is the one sent upstream). Returns 0, or
 * -1 when it is malformed or does not answer q: a different ID, QR clear, a
 * different question (names compared without case), a CNAME loop or a
 * chain longer than CC_DNS_CHAIN_MAX, more than CC_DNS_ADDRS_MAX addresses
 * for the last name, a malformed answer record (an A not 4 bytes, an AAAA
 * not 16, a CNAME target not filling its RDATA, a name that a query could
 * not carry). The gate answers SERVFAIL to -1. Records are walked in
 * order; a CNAME (class IN) extends the chain only when its owner is the
 * chain's last name (RFC 1034 order), otherwise it counts as other_records.
 * The authority and additional sections are not read (nor checked): a
 * rebuilt answer drops them, and upstream's TC bit is in a->flags. */
int cc_dns_parse_answer(const uint8_t *msg, size_t len, const struct cc_dns_query *q, struct cc_dns_answer *a);

#endif
