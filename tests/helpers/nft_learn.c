/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nft_learn: what the DNS gate does to a cell's learned sets, through
 * lib/egress (the code the gate uses), in the network namespace at
 * NETNS_PATH. Prints "ok", or the kernel's errno name (ENOENT, ...) and
 * exits 1; a usage error exits 2.
 *
 *   nft_learn learn NETNS_PATH UID ADDRESS tcp|udp|any PORT TIMEOUT_MS
 *   nft_learn unlearn NETNS_PATH UID ADDRESS tcp|udp|any PORT
 *   nft_learn forget NETNS_PATH
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "base/parse_number.h"
#include "egress/egress_nft.h"
#include "nft_commit.h"

static int usage(void)
{
	fprintf(stderr, "usage: nft_learn learn NETNS_PATH UID ADDRESS tcp|udp|any PORT TIMEOUT_MS\n"
			"       nft_learn unlearn NETNS_PATH UID ADDRESS tcp|udp|any PORT\n"
			"       nft_learn forget NETNS_PATH\n");
	return 2;
}

/* argv: UID ADDRESS tcp|udp|any PORT [TIMEOUT_MS] */
static int read_element(char **argv, bool timeout, struct cc_nft_learned *el)
{
	uint64_t uid, port, ms = 0;

	memset(el, 0, sizeof(*el));
	if (cc_parse_u64(argv[0], 0, UINT32_MAX, &uid) < 0 || cc_parse_u64(argv[3], 0, 65535, &port) < 0 ||
	    (timeout && cc_parse_u64(argv[4], 1, UINT32_MAX, &ms) < 0))
		return -1;
	el->uid = (uint32_t)uid;
	el->family = strchr(argv[1], ':') ? AF_INET6 : AF_INET;
	if (inet_pton(el->family, argv[1], el->addr) != 1)
		return -1;
	el->any_port = strcmp(argv[2], "any") == 0;
	if (!el->any_port) {
		if (strcmp(argv[2], "tcp") != 0 && strcmp(argv[2], "udp") != 0)
			return -1;
		el->proto = argv[2][0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	}
	el->port = (uint16_t)port;
	el->timeout_ms = ms;
	return 0;
}

int main(int argc, char **argv)
{
	struct cc_nft_learned el;
	struct cc_nft_batch *batch;

	if (argc < 3 || !((strcmp(argv[1], "learn") == 0 && argc == 8) ||
			  (strcmp(argv[1], "unlearn") == 0 && argc == 7) || (strcmp(argv[1], "forget") == 0 && argc == 3)))
		return usage();
	if (argv[1][0] != 'f' && read_element(argv + 3, argv[1][0] == 'l', &el) < 0)
		return usage();
	batch = cc_nft_batch_new();
	if (batch && argv[1][0] == 'l')
		cc_nft_batch_learn(batch, &el, 1);
	else if (batch && argv[1][0] == 'u')
		cc_nft_batch_unlearn(batch, &el, 1);
	else if (batch)
		cc_nft_batch_forget_learned(batch);
	return nft_commit_print(batch, argv[2]);
}
