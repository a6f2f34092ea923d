/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcelld: keeps the host's part of the cells' network in place. It
 * builds the table inet chatcell at start, then watches nftables: after
 * every transaction it checks the table and rebuilds it when it is not
 * whole (`nft flush ruleset`, an nftables.conf reload, a hand edit). Its
 * own rebuild is a transaction too; it finds the table whole and does
 * nothing, so it never feeds itself. See chatcelld(8). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "egress/host_nft.h"
#include "nft_events.h"

#define EXIT_USAGE 2

static double elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) * 1e3 + (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

static int fail(const struct cc_err *err)
{
	fprintf(stderr, "chatcelld: %s\n", err->msg);
	return EXIT_FAILURE;
}

/* chatcell.conf as it is now (init may have built the table from a newer
 * one); the last good one if it cannot be read. */
static void reload(const char *config_path, struct cc_config *config)
{
	struct cc_config fresh;
	struct cc_err err = {0};

	if (cc_config_load(&fresh, config_path, &err) == 0)
		*config = fresh;
	else
		fprintf(stderr, "chatcelld: %s; rebuilding from the configuration read before\n", err.msg);
}

/* Look at the table after a change, and rebuild it if it is not whole.
 * Returns 0, or -1 when the rebuilt table does not check out (a bug, or
 * someone changing it as fast as it is made: systemd restarts us). */
static int look(const char *config_path, struct cc_config *config)
{
	struct cc_err err = {0};
	struct timespec seen;
	char damage[sizeof(err.msg) + 64];
	int intact;

	clock_gettime(CLOCK_MONOTONIC, &seen);
	intact = cc_host_nft_intact(damage, sizeof(damage), &err);
	if (intact == 1)
		return 0;
	if (intact < 0) /* cannot tell: rebuild, the safe side */
		snprintf(damage, sizeof(damage), "could not be checked (%s)", err.msg);
	reload(config_path, config);
	if (cc_host_nft_apply(config, &err) < 0) {
		/* The next change tries again. */
		fprintf(stderr, "chatcelld: table inet %s %s; rebuilding it failed: %s\n", CC_HOST_NFT_TABLE, damage,
			err.msg);
		return 0;
	}
	fprintf(stderr, "chatcelld: table inet %s %s; restored in %.1f ms\n", CC_HOST_NFT_TABLE, damage,
		elapsed_ms(&seen));
	if (cc_host_nft_intact(damage, sizeof(damage), &err) != 1) {
		fprintf(stderr, "chatcelld: table inet %s %s right after it was rebuilt; stopping\n", CC_HOST_NFT_TABLE,
			intact < 0 ? err.msg : damage);
		return -1;
	}
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: chatcelld [--config FILE] [--once]\n"
		     "Keeps the table inet %s (the host's part of the chats' cells) in place. See chatcelld(8).\n",
		CC_HOST_NFT_TABLE);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'}, {"once", no_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config_path = CHATCELL_CONF_PATH;
	struct cc_config config;
	struct cc_err err = {0};
	struct mnl_socket *events = NULL;
	bool once = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'o':
			once = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("chatcelld %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "chatcelld: must run as root (it changes nftables in the host's network namespace)\n");
		return EXIT_FAILURE;
	}
	if (cc_config_load(&config, config_path, &err) < 0)
		return fail(&err);
	/* Subscribe before building, so no change after it goes unseen. */
	if (!once && !(events = nft_events_open(&err)))
		return fail(&err);
	if (cc_host_nft_apply(&config, &err) < 0) {
		nft_events_close(events);
		return fail(&err);
	}
	if (once) {
		printf("table inet %s is in place\n", CC_HOST_NFT_TABLE);
		return EXIT_SUCCESS;
	}
	fprintf(stderr, "chatcelld: table inet %s is in place; watching nftables\n", CC_HOST_NFT_TABLE);
	for (;;) {
		if (nft_events_wait(events, &err) < 0) {
			nft_events_close(events);
			return fail(&err);
		}
		if (look(config_path, &config) < 0) {
			nft_events_close(events);
			return EXIT_FAILURE;
		}
	}
}
