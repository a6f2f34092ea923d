/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* chatcelld: the host's part of the cells' network.
 *  - It builds the table inet chatcell at start, then watches nftables:
 *    after every transaction it checks the table and rebuilds it when it
 *    is not whole (`nft flush ruleset`, an nftables.conf reload, a hand
 *    edit). Its own rebuild is a transaction too; it finds the table whole
 *    and does nothing, so it never feeds itself.
 *  - It is the cells' DNS gate (gate.h).
 * One thread, one epoll loop. See chatcelld(8). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "egress/host_nft.h"
#include "gate.h"
#include "loop.h"
#include "nft_events.h"
#include "sd_notify.h"

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

/* The host's table, watched. */
struct host_watch {
	struct watch w;
	struct loop *loop;
	struct mnl_socket *events;
	const char *config_path;
	struct cc_config *config;
};

static void host_events_ready(struct watch *w, uint32_t events)
{
	struct host_watch *h = watch_owner(w, struct host_watch, w);
	struct cc_err err = {0};
	int changed = nft_events_read(h->events, &err);

	(void)events;
	if (changed < 0) {
		fprintf(stderr, "chatcelld: %s\n", err.msg);
		h->loop->stop = 1 + EXIT_FAILURE;
		return;
	}
	if (changed && look(h->config_path, h->config) < 0)
		h->loop->stop = 1 + EXIT_FAILURE;
}

struct signals {
	struct watch w;
	struct loop *loop;
};

static void signal_ready(struct watch *w, uint32_t events)
{
	struct signals *s = watch_owner(w, struct signals, w);
	struct signalfd_siginfo si;

	(void)events;
	if (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		s->loop->stop = 1 + EXIT_SUCCESS;
}

static int watch_signals(struct signals *s, struct loop *loop, struct cc_err *err)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
	    (s->w.fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "signalfd");
	s->w.ready = signal_ready;
	s->loop = loop;
	return loop_add(loop, &s->w, EPOLLIN, err);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: chatcelld [--config FILE] [--once]\n"
		     "Keeps the table inet %s (the host's part of the chats' cells) in place, and answers the\n"
		     "cells' DNS questions (the DNS gate). See chatcelld(8).\n",
		CC_HOST_NFT_TABLE);
}

/* The gate holds a socket per question to a resolver (gate_udp.c) and two
 * descriptors per cell that asked: more than the usual soft limit of
 * 1024. Everything here waits with epoll, which has no FD_SETSIZE, so the
 * soft limit goes to the hard one; past it a question fails (SERVFAIL). */
static void raise_descriptor_limit(void)
{
	struct rlimit limit;

	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &limit);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'}, {"once", no_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static struct gate gate; /* large: not on the stack */
	static struct cc_config gate_config;
	const char *config_path = CHATCELL_CONF_PATH;
	struct cc_config config;
	struct cc_err err = {0};
	struct host_watch host = {0};
	struct signals signals = {0};
	struct loop loop;
	bool once = false;
	int c, status;

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
	if (once) {
		if (cc_host_nft_apply(&config, &err) < 0)
			return fail(&err);
		printf("table inet %s is in place\n", CC_HOST_NFT_TABLE);
		return EXIT_SUCCESS;
	}
	raise_descriptor_limit();
	if (loop_open(&loop, &err) < 0)
		return fail(&err);
	/* Subscribe before building, so no change after it goes unseen. */
	host.loop = &loop;
	host.config_path = config_path;
	host.config = &config;
	if (!(host.events = nft_events_open(&err)))
		goto failed;
	host.w.fd = nft_events_fd(host.events);
	host.w.ready = host_events_ready;
	if (loop_add(&loop, &host.w, EPOLLIN, &err) < 0 || cc_host_nft_apply(&config, &err) < 0 ||
	    watch_signals(&signals, &loop, &err) < 0)
		goto failed;
	/* The gate reads the configuration it started with; a new dns_*
	 * setting takes a restart (chatcelld(8)). */
	gate_config = config;
	if (gate_open(&gate, &gate_config, &loop, &err) < 0)
		goto failed;
	fprintf(stderr, "chatcelld: table inet %s is in place; watching nftables; DNS gate on 127.0.0.1:%u\n",
		CC_HOST_NFT_TABLE, (unsigned)config.dns_gate_port);
	notify_systemd("READY=1");
	status = loop_run(&loop, &err);
	if (status < 0)
		fprintf(stderr, "chatcelld: %s\n", err.msg);
	notify_systemd("STOPPING=1");
	fprintf(stderr, "chatcelld: stopping; the DNS gate answered %llu questions, refused %llu, failed %llu\n",
		(unsigned long long)gate.answered, (unsigned long long)gate.refused,
		(unsigned long long)gate.failed);
	gate_close(&gate);
	nft_events_close(host.events);
	if (signals.w.fd > 0)
		close(signals.w.fd);
	loop_close(&loop);
	return status < 0 ? EXIT_FAILURE : status;
failed:
	gate_close(&gate);
	nft_events_close(host.events);
	loop_close(&loop);
	return fail(&err);
}
