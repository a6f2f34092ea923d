/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The names a chat may look up: rules are an exact name
 * ("api.example.com") or a wildcard ("*.example.com", every name below
 * example.com but not example.com itself, as in Cilium's matchPattern).
 * Names are compared without case and without a trailing dot. */
#ifndef CHATCELL_DNS_NAME_H
#define CHATCELL_DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/dns_wire.h"

/* Normalise a rule as an administrator wrote it into `out` (lower case, no
 * trailing dot). Returns 0, or -1 with a one-line reason in `why` (empty,
 * too long, a label over 63, a character outside letters, digits, '-' and
 * '_', an empty label, a '*' anywhere but as the whole first label, "*"
 * alone or "*.tld" with one label after it). */
int cc_dns_pattern_normalize(const char *pattern, char *out, size_t out_size, char *why, size_t why_size);

/* Does a normalised pattern match a name as cc_dns_parse_query gives it? */
bool cc_dns_pattern_match(const char *pattern, const char *name);

/* Is this name a well-known DNS-over-HTTPS or DNS-over-TLS service
 * (dns.google, cloudflare-dns.com, dns.quad9.net, ...) or below one? Only a
 * rule naming it exactly allows it; no wildcard does. */
bool cc_dns_known_resolver(const char *name);

#endif
