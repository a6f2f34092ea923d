/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nft_table: a cell's whole egress table, through lib/egress (the code a
 * cell start and a rebuild use), in the network namespace at NETNS_PATH,
 * with the default configuration and no chat's entries. "new" makes the
 * table as a cell start does (it must not exist yet); "replace" replaces
 * whatever is there, as a rebuild does. Prints "ok", or the kernel's errno
 * name (EEXIST, ...) and exits 1; a usage error exits 2.
 *
 *   nft_table new|replace NETNS_PATH
 */
#include <stdio.h>
#include <string.h>

#include "config/conf.h"
#include "egress/egress_nft.h"
#include "nft_commit.h"

int main(int argc, char **argv)
{
	struct cc_config config;
	struct cc_nft_batch *batch;

	if (argc != 3 || (strcmp(argv[1], "new") != 0 && strcmp(argv[1], "replace") != 0)) {
		fprintf(stderr, "usage: nft_table new|replace NETNS_PATH\n");
		return 2;
	}
	cc_config_defaults(&config);
	batch = cc_nft_batch_new();
	if (batch && argv[1][0] == 'n')
		cc_nft_batch_new_table(batch, &config);
	else if (batch)
		cc_nft_batch_replace_table(batch, &config);
	return nft_commit_print(batch, argv[2]);
}
