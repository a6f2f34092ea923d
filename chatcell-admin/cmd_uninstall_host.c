/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* uninstall-host: undo what chatcell changed on the host's network, before
 * chatcell is removed: the table inet chatcell, and the sysctls init
 * changed, put back as they were (lib/net/forwarding.h). Chats, homes and
 * the registry are left alone. Running it again is nothing to do; the next
 * init or `egress apply` (at boot) makes all of it again. */
#include <stdio.h>

#include "commands.h"
#include "egress/host_nft.h"
#include "host_net.h"
#include "net/forwarding.h"

int cmd_uninstall_host(struct admin *a)
{
	struct cc_forwarding_report report = {.count = 0};
	char changes[HOST_NET_LINE];
	int removed;

	if (a->opt.argc > 0)
		return cc_fail(&a->err, CC_ERR_USAGE, "uninstall-host takes no operands");
	/* Forwarding off first: the table guards the cells until then. */
	if (a->state_fd >= 0 && cc_forwarding_restore(a->state_fd, &report, &a->err) < 0)
		return -1;
	removed = cc_host_nft_remove(&a->err);
	if (removed < 0)
		return -1;
	if (a->opt.json) {
		printf("{\"table_removed\":%s,", removed ? "true" : "false");
		host_net_json(stdout, "host_network", "inet " CC_HOST_NFT_TABLE, &report);
		fputs("}\n", stdout);
		return 0;
	}
	cc_forwarding_describe(&report, "nothing chatcell changed is recorded", changes, sizeof(changes));
	printf("host settings: %s\n", changes);
	printf("table inet %s: %s\n", CC_HOST_NFT_TABLE, removed ? "removed" : "not there");
	return 0;
}
