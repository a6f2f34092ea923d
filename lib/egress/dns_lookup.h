/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resolving an egress host name to its A and AAAA records with their TTLs,
 * through the host's resolver (res_nquery, /etc/resolv.conf); the answers
 * are read by the DNS gate's parser (dns/dns_wire.h). */
#ifndef CHATCELL_DNS_LOOKUP_H
#define CHATCELL_DNS_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "dns/dns_wire.h"

#define CC_DNS_ANSWERS_MAX 32

/* The rule cc_dns_name_valid checks, as error messages state it. */
#define CC_DNS_NAME_RULE                                                                                       \
	"a host name is at most 253 bytes of labels separated by single dots, each label 1 to 63 letters, "   \
	"digits or '-', not starting or ending with '-'"

/* Is this a host name chatcell accepts (CC_DNS_NAME_RULE)? */
int cc_dns_name_valid(const char *name);

/* The name's A and AAAA addresses (at most CC_DNS_ANSWERS_MAX): those of
 * the last name of its CNAME chain, each with its record's TTL. A name
 * without any is an error that says so. */
int cc_dns_resolve(const char *name, struct cc_dns_addr *answers, size_t *count, struct cc_err *err);

#endif
