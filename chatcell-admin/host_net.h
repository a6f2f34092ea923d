/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host's part of the cells' network, as init and `egress apply` make
 * it: the table inet chatcell (lib/egress/host_nft.h), then forwarding
 * (lib/net/forwarding.h), and the line or JSON that says what changed. */
#ifndef CHATCELL_ADMIN_HOST_NET_H
#define CHATCELL_ADMIN_HOST_NET_H

#include <stdio.h>

#include "admin.h"
#include "net/forwarding.h"

#define HOST_NET_LINE 4096

/* Apply both; `line` gets "host network: ..." for the text output. */
int host_net_apply(struct admin *a, struct cc_forwarding_report *report, char *line, size_t line_len);

/* "host_network":{"table":"inet chatcell","changes":[...]} (no comma). */
void host_net_json(FILE *out, const char *key, const char *table, const struct cc_forwarding_report *report);

#endif
