/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The messages the gate writes: a bounded writer that never goes past its
 * end, names uncompressed but for a pointer to the question's name. */
#include "dns/dns_reply.h"

#include <string.h>
#include <sys/socket.h>

#define QUESTION_NAME_OFFSET CC_DNS_HEADER_LEN
#define POINTER_TO_QUESTION (0xc000 | QUESTION_NAME_OFFSET)
#define OPT_LEN 11            /* root owner, type, class, TTL, RDLENGTH 0 */
#define OPT_UDP_SIZE 1232     /* the DNS flag day 2020 figure */
#define TTL_MAX 0x7fffffffu   /* RFC 2181 8 */
#define ANSWER_FLAGS (CC_DNS_FLAG_AA | CC_DNS_FLAG_RD | CC_DNS_FLAG_RA | 0xf)

struct writer {
	uint8_t *buf;
	size_t len, cap;
};

static bool put(struct writer *w, const void *data, size_t n)
{
	if (w->cap - w->len < n)
		return false;
	memcpy(w->buf + w->len, data, n);
	w->len += n;
	return true;
}

static bool put16(struct writer *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	return put(w, b, sizeof(b));
}

static bool put32(struct writer *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	return put(w, b, sizeof(b));
}

static void set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A dotted name ("" is the root) as labels. False when it does not fit or
 * is no name (an empty label, a label over 63, over 255 bytes). */
static bool put_name(struct writer *w, const char *name)
{
	size_t start = w->len;
	const char *p = name;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		uint8_t label = (uint8_t)n;

		if (n == 0 || n > 63 || !put(w, &label, 1) || !put(w, p, n))
			return false;
		p += n;
		if (*p == '.' && *++p == '\0')
			return false; /* a trailing dot: not how names are held */
	}
	return put(w, "", 1) && w->len - start <= 255;
}

/* An owner name: a pointer when it is the question's name. */
static bool put_owner(struct writer *w, const struct cc_dns_query *q, const char *name)
{
	if (name[0] != '\0' && strcmp(name, q->name) == 0)
		return put16(w, POINTER_TO_QUESTION);
	return put_name(w, name);
}

static bool put_rr_head(struct writer *w, const struct cc_dns_query *q, const char *owner, uint16_t type,
			uint32_t ttl, uint16_t rdlen)
{
	return put_owner(w, q, owner) && put16(w, type) && put16(w, CC_DNS_CLASS_IN) &&
	       put32(w, ttl > TTL_MAX ? TTL_MAX : ttl) && put16(w, rdlen);
}

static bool put_opt(struct writer *w)
{
	return put(w, "", 1) && put16(w, CC_DNS_TYPE_OPT) && put16(w, OPT_UDP_SIZE) && put32(w, 0) && put16(w, 0);
}

/* Header (counts zero for now) and, unless header_only, the question. */
static bool put_start(struct writer *w, const struct cc_dns_query *q, uint16_t flags, bool question)
{
	uint8_t zero[8] = {0};

	if (!put16(w, q->id) || !put16(w, flags) || !put(w, zero, sizeof(zero)))
		return false;
	if (!question)
		return true;
	set16(w->buf + 4, 1);
	return put_name(w, q->name) && put16(w, q->qtype) && put16(w, q->qclass);
}

static uint16_t response_flags(const struct cc_dns_query *q)
{
	/* The opcode is copied as RFC 1035 4.1.1 asks. */
	return (uint16_t)(CC_DNS_FLAG_QR | (q->flags & (CC_DNS_FLAG_RD | 0x7800)));
}

/* A message of a header, the question unless `question` is false, and an
 * OPT record when q had one; its length, or 0 when it does not fit. */
static size_t bare_message(struct writer *w, const struct cc_dns_query *q, uint16_t flags, bool question)
{
	if (!put_start(w, q, flags, question))
		return 0;
	if (q->edns) {
		if (!put_opt(w))
			return 0;
		set16(w->buf + 10, 1);
	}
	return w->len;
}

size_t cc_dns_build_error(const struct cc_dns_query *q, unsigned rcode, uint8_t *out, size_t out_size)
{
	struct writer w = {out, 0, out_size};

	return bare_message(&w, q, (uint16_t)(response_flags(q) | CC_DNS_FLAG_RA | (rcode & 0xf)), !q->header_only);
}

size_t cc_dns_build_query(const struct cc_dns_query *q, uint16_t id, uint8_t *out, size_t out_size)
{
	struct writer w = {out, 0, out_size};
	struct cc_dns_query upstream = *q;

	upstream.id = id;
	return bare_message(&w, &upstream, (uint16_t)(q->flags & CC_DNS_FLAG_RD), true);
}

size_t cc_dns_build_answer(const struct cc_dns_query *q, const struct cc_dns_answer *a, const bool *keep,
			   size_t limit, uint8_t *out, size_t out_size)
{
	struct writer w = {out, 0, out_size};
	uint16_t flags = (uint16_t)(response_flags(q) | (a->flags & ANSWER_FLAGS));
	unsigned chain_len = a->chain_len, records = 0;
	size_t room, reserve = q->edns ? OPT_LEN : 0;
	bool cut = false;
	const char *last;

	if (chain_len < 1 || chain_len > CC_DNS_CHAIN_MAX + 1)
		return 0;
	if (!put_start(&w, q, flags, true))
		return 0;
	/* Records go in what is left of the limit once the OPT record (which
	 * RFC 6891 7 keeps even in a truncated answer) has its place. */
	room = limit < CC_DNS_MSG_MAX ? limit : CC_DNS_MSG_MAX;
	room = room < out_size ? room : out_size;
	room = room > w.len + reserve ? room - reserve : w.len;
	w.cap = room;
	for (unsigned i = 0; i + 1 < chain_len && !cut; i++) {
		size_t at = w.len;

		/* RDLENGTH is filled in once the target is written. */
		if (!put_rr_head(&w, q, a->chain[i], CC_DNS_TYPE_CNAME, a->chain_ttl[i], 0)) {
			cut = true;
		} else {
			size_t rdata = w.len;

			if (put_name(&w, a->chain[i + 1]))
				set16(out + rdata - 2, (uint16_t)(w.len - rdata));
			else
				cut = true;
		}
		if (cut)
			w.len = at;
		else
			records++;
	}
	last = a->chain[chain_len - 1];
	for (unsigned i = 0; i < a->addr_count && i < CC_DNS_ADDRS_MAX && !cut; i++) {
		const struct cc_dns_addr *addr = &a->addrs[i];
		bool v4 = addr->family == AF_INET;
		size_t at = w.len, n = v4 ? 4 : 16;

		if (!keep[i] || (!v4 && addr->family != AF_INET6))
			continue;
		if (!put_rr_head(&w, q, last, v4 ? CC_DNS_TYPE_A : CC_DNS_TYPE_AAAA, addr->ttl, (uint16_t)n) ||
		    !put(&w, addr->addr, n)) {
			w.len = at;
			cut = true;
		} else {
			records++;
		}
	}
	set16(out + 6, (uint16_t)records);
	if (cut)
		set16(out + 2, flags | CC_DNS_FLAG_TC);
	w.cap = out_size;
	if (q->edns) {
		if (!put_opt(&w))
			return 0;
		set16(out + 10, 1);
	}
	return w.len;
}

void cc_dns_set_id(uint8_t *msg, size_t len, uint16_t id)
{
	if (len >= 2)
		set16(msg, id);
}
