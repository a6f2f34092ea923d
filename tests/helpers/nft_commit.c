/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nft_commit.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int nft_commit_print(struct cc_nft_batch *batch, const char *netns_path)
{
	struct cc_err err = {0};
	int netns, kernel_errno = 0, rc;

	if (!batch)
		return 1;
	netns = open(netns_path, O_RDONLY | O_CLOEXEC);
	if (netns < 0) {
		perror(netns_path);
		cc_nft_batch_free(batch);
		return 1;
	}
	rc = cc_nft_batch_commit_in(batch, netns, &kernel_errno, &err);
	cc_nft_batch_free(batch);
	close(netns);
	if (rc < 0) {
		printf("%s\n", kernel_errno ? strerrorname_np(kernel_errno) : err.msg);
		return 1;
	}
	printf("ok\n");
	return 0;
}
