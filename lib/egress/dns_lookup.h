/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resolving an egress host name to its A and AAAA records with their TTLs,
 * through the host's resolver (res_nquery, /etc/resolv.conf). */
#ifndef CHATCELL_DNS_LOOKUP_H
#define CHATCELL_DNS_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define CC_DNS_ANSWERS_MAX 32

struct cc_dns_answer {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint32_t ttl;
};

/* The rule cc_dns_name_valid checks, as error messages state it. */
#define CC_DNS_NAME_RULE                                                                                       \
	"a host name is at most 253 bytes of labels separated by single dots, each label 1 to 63 letters, "   \
	"digits or '-', not starting or ending with '-'"

/* Is this a host name chatcell accepts (CC_DNS_NAME_RULE)? */
int cc_dns_name_valid(const char *name);

/* All A and AAAA answers (at most CC_DNS_ANSWERS_MAX). A name without any
 * is an error that says so. */
int cc_dns_resolve(const char *name, struct cc_dns_answer *answers, size_t *count, struct cc_err *err);

#endif
