/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The end the nftables helpers share: commit a batch in the network
 * namespace at a path and say how it went. */
#ifndef CHATCELL_TESTS_NFT_COMMIT_H
#define CHATCELL_TESTS_NFT_COMMIT_H

#include "egress/nft_batch.h"

/* Commit `batch` (NULL: it could not be made) in the namespace at
 * `netns_path` and free it; print "ok", or the kernel's errno name (or
 * chatcell's message). The exit status: 0 or 1. */
int nft_commit_print(struct cc_nft_batch *batch, const char *netns_path);

#endif
