/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A --domain rule as egress list and show print it: text
 * "domain *.example.com tcp 443" or "domain api.example.com any port"
 * (", private" when its answers may point at private addresses), and a
 * JSON object {"domain", "proto" and "ports" or "any_port": true,
 * "private"}. */
#ifndef CHATCELL_ADMIN_EGRESS_TEXT_H
#define CHATCELL_ADMIN_EGRESS_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "db/egress_store.h"

void egress_domain_text(const struct cc_egress_domain *d, bool with_private, char *out, size_t out_len);
void egress_domain_json(FILE *out, const struct cc_egress_domain *d);

#endif
