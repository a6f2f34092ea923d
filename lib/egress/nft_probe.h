/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Whether chatcell's egress table is in the kernel, with libmnl alone: a
 * login into a running cell asks only this (libnftnl and the registry are
 * loaded when the table has to be rebuilt). Also the kernel's nftables
 * errors in words, shared with egress_nft.c. */
#ifndef CHATCELL_NFT_PROBE_H
#define CHATCELL_NFT_PROBE_H

#include "base/error.h"

#include <libmnl/libmnl.h>

/* A netfilter netlink request at the start of `buf`: message `type` of
 * subsystem `subsys` (NFNL_SUBSYS_*), NLM_F_REQUEST | flags, sequence
 * `seq`, for `family` (NFPROTO_*, or AF_UNSPEC: all). Attributes follow. */
struct nlmsghdr *cc_nfnl_request(char *buf, uint8_t subsys, uint8_t type, uint16_t flags, uint32_t seq,
				 uint8_t family);

/* Send one request on `nl` and read its answers (data answers to `cb`):
 * 1 answered, 0 the kernel said ENOENT, -1 error (err set). */
int cc_nft_ask(struct mnl_socket *nl, const struct nlmsghdr *request, mnl_cb_t cb, void *data, struct cc_err *err);

/* Is the table there? 1, 0, or -1 (err set). */
int cc_nft_table_exists(struct cc_err *err);

/* The kernel refused an nftables request with `error`: say why. Returns -1. */
int cc_nft_kernel_error(int error, struct cc_err *err);

#endif
