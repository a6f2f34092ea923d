/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cell_net_probe: a cell's network through lib/net, the code chatcell
 * itself uses, with the ranges of chatcell.conf. Prints what it made;
 * an error is its one line on stderr and exit status 1.
 *
 *   cell_net_probe addrs INDEX          cc<INDEX> IPV4 IPV6
 *   cell_net_probe up INDEX NETNS_PATH  the same, once the network is up
 *   cell_net_probe down INDEX           (nothing)
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/parse_number.h"
#include "config/conf.h"
#include "net/cell_net.h"

static int fail(const struct cc_err *err)
{
	fprintf(stderr, "%s\n", err->msg);
	return 1;
}

int main(int argc, char **argv)
{
	struct cc_config config;
	struct cc_cell_addrs addrs;
	struct cc_err err = {0};
	char v4[INET_ADDRSTRLEN], v6[INET6_ADDRSTRLEN];
	uint64_t index;
	int fd, rc;

	if (argc < 3 || cc_parse_u64(argv[2], 0, UINT32_MAX, &index) < 0 ||
	    (strcmp(argv[1], "up") == 0) != (argc == 4)) {
		fprintf(stderr, "usage: cell_net_probe addrs|up|down INDEX [NETNS_PATH]\n");
		return 2;
	}
	if (strcmp(argv[1], "down") == 0)
		return cc_cell_net_destroy((uint32_t)index, &err) < 0 ? fail(&err) : 0;
	if (cc_config_load(&config, CHATCELL_CONF_PATH, &err) < 0 ||
	    cc_cell_addrs(&config, (uint32_t)index, &addrs, &err) < 0)
		return fail(&err);
	if (strcmp(argv[1], "up") == 0) {
		fd = open(argv[3], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[3]);
			return 1;
		}
		rc = cc_cell_net_create(&addrs, fd, &err);
		close(fd);
		if (rc < 0)
			return fail(&err);
	}
	inet_ntop(AF_INET, addrs.ipv4, v4, sizeof(v4));
	inet_ntop(AF_INET6, addrs.ipv6, v6, sizeof(v6));
	printf("%s %s %s\n", addrs.host_link, v4, v6);
	return 0;
}
