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

/* Read everything queued, without waiting. Returns 1 when a transaction
 * ended or events were lost (the queue overflowed: something may have
 * changed), so look at the table now; 0 when not; -1 (err set). */
int nft_events_read(struct mnl_socket *nl, struct cc_err *err);

/* The descriptor to wait on. */
int nft_events_fd(struct mnl_socket *nl);

void nft_events_close(struct mnl_socket *nl);

#endif
