/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nftables' change events of this network namespace (NFNLGRP_NFTABLES on
 * a NETLINK_NETFILTER socket, libmnl). A transaction ends with one
 * NFT_MSG_NEWGEN: chatcelld looks at the table once per transaction, not
 * once per object in it. */
#ifndef CHATCELLD_NFT_EVENTS_H
#define CHATCELLD_NFT_EVENTS_H

#include "base/error.h"

struct mnl_socket;

/* Subscribe. Events are queued from here on: subscribe, then look. */
struct mnl_socket *nft_events_open(struct cc_err *err);

/* Block until at least one transaction has ended, or events were lost (the
 * queue overflowed: something may have changed); everything queued is
 * read. Returns 1 (look at the table now), or -1 (err set). */
int nft_events_wait(struct mnl_socket *nl, struct cc_err *err);

void nft_events_close(struct mnl_socket *nl);

#endif
