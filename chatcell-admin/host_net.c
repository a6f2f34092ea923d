/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "host_net.h"

#include "egress/egress_nft.h"
#include "egress/host_nft.h"
#include "json.h"
#include "net/cell_addr.h"

#include <net/if.h>
#include <string.h>

/* Links of the host named like cells' links that are not: the table takes
 * them for cells' (nothing new forwarded into them, their DNS to the gate),
 * and only a warning can say so. */
static void warn_foreign_links(void)
{
	struct if_nameindex *links = if_nameindex();
	char names[512] = "";
	size_t used = 0;
	unsigned count = 0;

	if (!links)
		return;
	for (const struct if_nameindex *l = links; l->if_index; l++) {
		if (!cc_cell_host_link_like(l->if_name) || cc_cell_host_link_index(l->if_name, &(uint32_t){0}))
			continue;
		if (used < sizeof(names))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", count ? ", " : "", l->if_name);
		count++;
	}
	if_freenameindex(links);
	if (count) {
		const char *them = count == 1 ? "it" : "them";

		fprintf(stderr,
			"chatcell-admin: warning: %s %s: chatcell takes every link whose name starts with '%s' for a "
			"cell's, so its table forwards nothing new into %s and sends DNS arriving on %s for 169.254.1.1 "
			"to the DNS gate; rename %s (ip link set NAME name NEWNAME)\n",
			count == 1 ? "link" : "links", names, CC_CELL_HOST_LINK_PREFIX, them, them, them);
	}
}

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
		 "prerouting: cells' closed TCP connections forgotten after %u s, DNS from cells to the DNS gate, "
		 "chatcelld on 127.0.0.1:%u)",
		 changes, CC_HOST_NFT_TABLE, (unsigned)CC_CLOSED_FLOW_SECONDS, (unsigned)a->config.dns_gate_port);
	warn_foreign_links();
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
