/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The messages the gate writes itself (dns_wire.h for what it reads). */
#ifndef CHATCELL_DNS_REPLY_H
#define CHATCELL_DNS_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/dns_wire.h"

/* An answer with no records: the query's ID, QR and RA set, RD and the
 * opcode copied (RFC 1035 4.1.1), the RCODE given, the question when q->header_only is false, and an OPT
 * record (payload size 1232) when the query had one. Returns the length, or
 * 0 when out_size is too small. */
size_t cc_dns_build_error(const struct cc_dns_query *q, unsigned rcode, uint8_t *out, size_t out_size);

/* The answer the chat gets for an A or AAAA question: q's ID and question,
 * a's flags (AA, RD, RA and the RCODE; TC only as below), the CNAME chain
 * (one record per link, with its TTL), the addresses i with keep[i] true,
 * and an OPT record when the query had one. Names are written
 * uncompressed except for pointers to the question's name. When the
 * message would exceed `limit` (the client's UDP size, or CC_DNS_MSG_MAX
 * over TCP), it carries as many whole records as fit and sets TC. Returns
 * the length, or 0 when out_size cannot hold the header and question. */
size_t cc_dns_build_answer(const struct cc_dns_query *q, const struct cc_dns_answer *a, const bool *keep,
			   size_t limit, uint8_t *out, size_t out_size);

/* The query as it goes upstream, written anew from what the gate read:
 * `id`, RD as the chat set it and no other flag, the question, and an OPT
 * record (payload size 1232, no options) when the chat's query had one.
 * Nothing else of the chat's message is passed on: no other record, no
 * EDNS option, no byte the gate did not check. Returns the length, or 0
 * when out_size is too small. */
size_t cc_dns_build_query(const struct cc_dns_query *q, uint16_t id, uint8_t *out, size_t out_size);

/* Put q's ID back into an upstream answer that goes to the chat as it is. */
void cc_dns_set_id(uint8_t *msg, size_t len, uint16_t id);

#endif
