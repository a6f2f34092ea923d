/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "host_net.h"

#include "egress/host_nft.h"
#include "json.h"

#include <string.h>

int host_net_apply(struct admin *a, struct cc_forwarding_report *report, char *line, size_t line_len)
{
	char changes[HOST_NET_LINE];

	/* The table first: forwarding is never on without it. */
	if (cc_host_nft_apply(&a->config, &a->err) < 0 || cc_forwarding_enable(a->state_fd, report, &a->err) < 0)
		return -1;
	cc_forwarding_describe(report, "as it was", changes, sizeof(changes));
	snprintf(line, line_len,
		 "host network: forwarding on (%s), table inet %s (forward: nothing into or between cells, "
		 "postrouting: masquerade, output: no network for chat UIDs outside their cells, "
		 "prerouting: DNS from cells to the DNS gate, chatcelld on 127.0.0.1:%u)",
		 changes, CC_HOST_NFT_TABLE, (unsigned)a->config.dns_gate_port);
	return 0;
}

void host_net_json(FILE *out, const char *key, const char *table, const struct cc_forwarding_report *report)
{
	json_string(out, key, strlen(key));
	fputs(":{", out);
	json_field_string(out, "table", table, 0);
	fputs(",\"changes\":[", out);
	for (unsigned i = 0; i < report->count; i++) {
		const struct cc_forwarding_change *c = &report->changes[i];

		fputs(i ? ",{" : "{", out);
		json_field_string(out, "key", c->key, 0);
		json_field_string(out, "before", c->gone ? NULL : c->before, 1);
		json_field_string(out, "after", c->gone ? NULL : c->after, 1);
		fprintf(out, ",\"changed\":%s}", c->gone || c->kept ? "false" : "true");
	}
	fputs("]}", out);
}
