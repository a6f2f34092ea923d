/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS gate's UDP side, its upstream questions and its timer (gate.h). */
#include "gate.h"
#include "net/local_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "base/trusted_dir.h"
#include "dns/addr_kind.h"
#include "dns/dns_name.h"
#include "dns/dns_reply.h"
#include "net/cell_addr.h"

#define TIMER_MS 250
/* Rounds of GATE_BATCH questions per wakeup, so the other descriptors get
 * their turn. */
#define UDP_ROUNDS_PER_WAKEUP 4
/* A question over UDP: 512 bytes without EDNS0; with it, a name, a
 * question and an OPT record with options fit well under this. */
#define CC_DNS_UDP_QUERY_MAX 4096

int64_t gate_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* dns_servers[i] as a socket address (IPv4 as v4-mapped IPv6). */
static void server_address(const struct cc_config *config, unsigned i, struct sockaddr_in6 *sa)
{
	const struct cc_egress_rule *s = &config->dns_servers[i];

	memset(sa, 0, sizeof(*sa));
	sa->sin6_family = AF_INET6;
	sa->sin6_port = htons(53);
	if (s->family == AF_INET6) {
		memcpy(&sa->sin6_addr, s->addr, 16);
	} else {
		sa->sin6_addr.s6_addr[10] = 0xff;
		sa->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&sa->sin6_addr.s6_addr[12], s->addr, 4);
	}
}

void gate_reply(struct gate *g, const struct gate_client *client, const uint8_t *msg, size_t len)
{
	if (client->tcp) {
		gate_tcp_reply(g, client->conn, msg, len);
		return;
	}
	if (len > GATE_BATCH_ANSWER_MAX) {
		/* A full socket buffer drops the answer; the client asks again. */
		(void)sendto(g->udp.fd, msg, len, MSG_DONTWAIT, (const struct sockaddr *)&client->addr,
			     sizeof(client->addr));
		return;
	}
	if (g->out_count == GATE_BATCH)
		gate_flush(g);
	g->out_addr[g->out_count] = client->addr;
	memcpy(g->out_buf[g->out_count], msg, len);
	g->out_len[g->out_count++] = len;
}

void gate_flush(struct gate *g)
{
	struct mmsghdr msgs[GATE_BATCH];
	struct iovec iov[GATE_BATCH];
	unsigned sent = 0;

	for (unsigned i = 0; i < g->out_count; i++) {
		iov[i] = (struct iovec){g->out_buf[i], g->out_len[i]};
		msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &g->out_addr[i],
						       .msg_namelen = sizeof(g->out_addr[i]),
						       .msg_iov = &iov[i],
						       .msg_iovlen = 1}};
	}
	while (sent < g->out_count) {
		int n = sendmmsg(g->udp.fd, msgs + sent, g->out_count - sent, MSG_DONTWAIT);

		if (n <= 0)
			sent++; /* that one is dropped (a full buffer): the client asks again */
		else
			sent += (unsigned)n;
	}
	g->out_count = 0;
}

static void reply_error(struct gate *g, const struct gate_client *client, const struct cc_dns_query *q,
			unsigned rcode)
{
	uint8_t out[CC_DNS_UDP_MIN];
	size_t len = cc_dns_build_error(q, rcode, out, sizeof(out));

	if (rcode == CC_DNS_RCODE_REFUSED)
		g->refused++;
	else
		g->failed++;
	if (len)
		gate_reply(g, client, out, len);
}

int gate_upstream_open(struct gate *g, int type, const struct sockaddr_in6 *server, struct watch *w,
		       uint32_t events)
{
	struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = server->sin6_port};
	const struct sockaddr *to = (const struct sockaddr *)server;
	socklen_t to_len = sizeof(*server);
	struct cc_err err = {0};
	int family = AF_INET6;

	/* An IPv4 resolver over IPv4: a host booted without IPv6 has no
	 * AF_INET6 sockets at all. */
	if (IN6_IS_ADDR_V4MAPPED(&server->sin6_addr)) {
		memcpy(&v4.sin_addr, &server->sin6_addr.s6_addr[12], 4);
		to = (const struct sockaddr *)&v4;
		to_len = sizeof(v4);
		family = AF_INET;
	}
	w->fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (w->fd < 0)
		return -1;
	if ((connect(w->fd, to, to_len) < 0 && errno != EINPROGRESS) || loop_add(g->loop, w, events, &err) < 0) {
		close(w->fd);
		w->fd = -1;
		return -1;
	}
	return 0;
}

/* Ask p's question of dns_servers[p->server], or of the ones after it
 * while a resolver cannot even be asked (no route to it, no descriptor
 * left): 0, or -1 when none could be. */
static int ask(struct gate *g, struct gate_pending *p)
{
	struct sockaddr_in6 server;

	cc_dns_set_id(p->msg, p->msg_len, p->upstream_id);
	for (;;) {
		server_address(g->config, p->server, &server);
		p->sent_ms = gate_now_ms();
		if ((p->client.tcp ? gate_tcp_ask : gate_udp_ask)(g, p, &server, p->msg, p->msg_len) == 0)
			return 0;
		if (p->server + 1 >= g->config->dns_server_count)
			return -1;
		p->server++;
	}
}

/* p is given up on: SERVFAIL to its client, and p freed. */
static void fail(struct gate *g, struct gate_pending *p)
{
	struct gate_client client = p->client;
	struct cc_dns_query q = p->query;

	gate_pending_release(g, p);
	reply_error(g, &client, &q, CC_DNS_RCODE_SERVFAIL);
}

void gate_ask_next(struct gate *g, struct gate_pending *p)
{
	struct gate_pending *waiting;

	gate_udp_forget(g, p);
	gate_tcp_forget(g, p);
	if (p->server + 1 < g->config->dns_server_count) {
		p->server++;
		if (ask(g, p) == 0)
			return;
	}
	waiting = gate_pending_take_followers(p);
	fail(g, p);
	while (waiting) {
		struct gate_pending *next = waiting->next_follower;

		fail(g, waiting);
		waiting = next;
	}
}

void gate_question(struct gate *g, struct gate_cell *cell, const struct gate_client *client, const uint8_t *msg,
		   size_t len)
{
	struct cc_dns_query q;
	struct gate_pending *p;
	int64_t now = gate_now_ms();
	int rc = cc_dns_parse_query(msg, len, &q);

	if (rc < 0)
		return;
	if (rc > 0) {
		reply_error(g, client, &q, (unsigned)rc);
		return;
	}
	if (!cell) { /* not from a cell: a health check, or someone on the host */
		reply_error(g, client, &q, CC_DNS_RCODE_REFUSED);
		return;
	}
	if (!gate_rate_take(g, cell, now)) {
		gate_refusal(g, cell, q.name, "over the query rate", now);
		reply_error(g, client, &q, CC_DNS_RCODE_REFUSED);
		return;
	}
	gate_policy_refresh(g, cell);
	if (q.qclass != CC_DNS_CLASS_IN || !gate_policy_allows(cell, q.name, NULL)) {
		gate_refusal(g, cell, q.name, "no rule allows it", now);
		reply_error(g, client, &q, CC_DNS_RCODE_REFUSED);
		return;
	}
	if (gate_answer_from_cache(g, cell, client, &q, now))
		return;
	if (g->config->dns_server_count == 0 || cell->pending >= GATE_PENDING_PER_CELL || !(p = gate_pending_new(g))) {
		reply_error(g, client, &q, CC_DNS_RCODE_SERVFAIL);
		return;
	}
	cell->pending++;
	p->query = q;
	p->client = *client;
	if (!client->tcp && gate_pending_follow(g, p, cell->uid))
		return; /* answered with the same question, whatever resolver it asks */
	/* Written anew: only what was checked goes upstream (dns_reply.h). */
	p->msg = malloc(GATE_QUERY_MAX);
	p->msg_len = p->msg ? cc_dns_build_query(&q, 0, p->msg, GATE_QUERY_MAX) : 0;
	if (!p->msg_len) {
		gate_pending_free(g, p);
		reply_error(g, client, &q, CC_DNS_RCODE_SERVFAIL);
		return;
	}
	p->server = 0;
	if (client->tcp)
		gate_tcp_bind(client->conn, p);
	if (ask(g, p) < 0) {
		gate_pending_free(g, p);
		reply_error(g, client, &q, CC_DNS_RCODE_SERVFAIL);
	}
}

/* Is every name the answer leads to allowed? Known DNS-over-HTTPS names
 * only by an exact rule (gate_policy_allows knows). */
static bool chain_allowed(const struct gate_cell *cell, const struct cc_dns_answer *a, const char **bad)
{
	for (unsigned i = 1; i < a->chain_len; i++) {
		if (!gate_policy_allows(cell, a->chain[i], NULL)) {
			*bad = a->chain[i];
			return false;
		}
	}
	return true;
}

/* Which addresses may the chat have: rebinding protection. The host's own
 * addresses never (a public one included): from a cell they lead into
 * the host's services. Unknown counts as the host's. */
static void judge_addresses(const struct gate *g, const struct cc_dns_answer *a, bool private_ok, bool *keep,
			    bool *is_private)
{
	for (unsigned i = 0; i < a->addr_count; i++)
		keep[i] = cc_addr_may_open(g->config, g->route_fd, a->addrs[i].family, a->addrs[i].addr, private_ok,
					   &is_private[i]);
}

/* Answer q with a (an A or AAAA answer from the resolver or the cache):
 * the chat's rules for every name on the chain, the rebinding check, the
 * addresses opened in its cell, then the answer. */
static void deliver(struct gate *g, struct gate_cell *cell, const struct gate_client *client,
		    const struct cc_dns_query *q, const struct cc_dns_answer *a)
{
	static uint8_t out[CC_DNS_MSG_MAX];
	bool matched[GATE_RULES_MAX] = {false};
	bool keep[CC_DNS_ADDRS_MAX], is_private[CC_DNS_ADDRS_MAX];
	bool private_ok = false;
	const char *bad = NULL;
	size_t out_len;

	if (!gate_policy_allows(cell, q->name, matched)) {
		reply_error(g, client, q, CC_DNS_RCODE_REFUSED); /* the rule went while we asked */
		return;
	}
	if (!chain_allowed(cell, a, &bad)) {
		char what[CC_DNS_NAME_TEXT_MAX + 32];

		snprintf(what, sizeof(what), "%s (an alias of it)", bad);
		gate_refusal(g, cell, q->name, what, gate_now_ms());
		reply_error(g, client, q, CC_DNS_RCODE_REFUSED);
		return;
	}
	for (size_t i = 0; i < cell->rule_count; i++)
		if (matched[i] && cell->rules[i].private_ok)
			private_ok = true;
	/* A private address is answered if some matching rule allows it,
	 * and opened for those rules alone (gate_learn). */
	judge_addresses(g, a, private_ok, keep, is_private);
	if (gate_learn(g, cell, matched, a->addrs, keep, is_private, a->addr_count) < 0) {
		reply_error(g, client, q, CC_DNS_RCODE_SERVFAIL);
		return;
	}
	out_len = cc_dns_build_answer(q, a, keep, client->tcp ? CC_DNS_MSG_MAX : q->edns_udp_size, out, sizeof(out));
	if (!out_len) {
		reply_error(g, client, q, CC_DNS_RCODE_SERVFAIL);
		return;
	}
	if (a->flags & CC_DNS_FLAG_TC) /* the upstream's answer was cut: so is ours */
		out[2] |= CC_DNS_FLAG_TC >> 8;
	g->answered++;
	gate_reply(g, client, out, out_len);
}

/* Answer from the cache: true if it did. */
bool gate_answer_from_cache(struct gate *g, struct gate_cell *cell, const struct gate_client *client,
			    const struct cc_dns_query *q, int64_t now_ms)
{
	static struct cc_dns_answer a;

	if (!gate_cache_get(g, cell->uid, q, &a, now_ms))
		return false;
	g->cached++;
	deliver(g, cell, client, q, &a);
	return true;
}

/* An answer holds no longer than dns_max_ttl, kept or handed on, as its
 * addresses stay open no longer (gate_learn.c): a forged or stale answer
 * does not outlive that in the cache. */
static void bound_ttls(struct cc_dns_answer *a, uint32_t max)
{
	for (unsigned i = 0; i + 1 < a->chain_len; i++)
		if (a->chain_ttl[i] > max)
			a->chain_ttl[i] = max;
	for (unsigned i = 0; i < a->addr_count; i++)
		if (a->addrs[i].ttl > max)
			a->addrs[i].ttl = max;
}

/* An empty answer with TC set: the client asks again over TCP. */
static void reply_truncated(struct gate *g, const struct gate_client *client, const struct cc_dns_query *q)
{
	uint8_t cut[CC_DNS_UDP_MIN];
	size_t len = cc_dns_build_error(q, CC_DNS_RCODE_NOERROR, cut, sizeof(cut));

	if (len) {
		cut[2] |= CC_DNS_FLAG_TC >> 8;
		gate_reply(g, client, cut, len);
	}
}

/* The client of p, answered from the resolver's answer `msg` (len bytes;
 * rc and `a` as cc_dns_parse_answer gave them), and p freed. */
static void answer_and_release(struct gate *g, struct gate_pending *p, int rc, const struct cc_dns_answer *a,
			       const uint8_t *msg, size_t len)
{
	static uint8_t out[CC_DNS_MSG_MAX];
	struct gate_client client = p->client;
	struct cc_dns_query q = p->query;
	struct gate_cell *cell = gate_cell_get(g, client.index, client.serial);
	const char *bad = NULL;

	gate_pending_release(g, p);
	if (!cell) /* the cell ended meanwhile */
		return;
	if (rc < 0 && len >= CC_DNS_HEADER_LEN && (msg[2] & (CC_DNS_FLAG_TC >> 8))) {
		reply_truncated(g, &client, &q); /* cut mid-record */
		return;
	}
	if (rc < 0) {
		reply_error(g, &client, &q, CC_DNS_RCODE_SERVFAIL);
		return;
	}
	gate_policy_refresh(g, cell);
	if (q.qtype == CC_DNS_TYPE_A || q.qtype == CC_DNS_TYPE_AAAA) {
		deliver(g, cell, &client, &q, a);
		return;
	}
	if (!gate_policy_allows(cell, q.name, NULL) || !chain_allowed(cell, a, &bad)) {
		reply_error(g, &client, &q, CC_DNS_RCODE_REFUSED);
		return;
	}
	/* No addresses to open: the answer goes as it came, if it fits what
	 * this client can take (it was asked for with the gate's own size). */
	if (!client.tcp && len > q.edns_udp_size) {
		reply_truncated(g, &client, &q);
		return;
	}
	memcpy(out, msg, len);
	cc_dns_set_id(out, len, q.id);
	g->answered++;
	gate_reply(g, &client, out, len);
}

void gate_upstream_answer(struct gate *g, struct gate_pending *p, const uint8_t *msg, size_t len)
{
	static struct cc_dns_answer a;
	struct cc_dns_query q = p->query;
	struct gate_pending *waiting = gate_pending_take_followers(p);
	int rc;

	q.id = p->upstream_id;
	rc = cc_dns_parse_answer(msg, len, &q, &a);
	if (rc == 0) {
		bound_ttls(&a, g->config->dns_max_ttl);
		struct gate_cell *cell = gate_cell_get(g, p->client.index, p->client.serial);

		/* Followers are the same chat's (gate_pending_follow). */
		if (cell && (q.qtype == CC_DNS_TYPE_A || q.qtype == CC_DNS_TYPE_AAAA))
			gate_cache_put(g, cell->uid, &q, &a, gate_now_ms());
	}
	answer_and_release(g, p, rc, &a, msg, len);
	while (waiting) { /* the same question from the chat's other clients */
		struct gate_pending *next = waiting->next_follower;

		answer_and_release(g, waiting, rc, &a, msg, len);
		waiting = next;
	}
}

/* Queries from cells, arriving through the host's DNAT. */
static void udp_ready(struct watch *w, uint32_t events)
{
	struct gate *g = watch_owner(w, struct gate, udp);
	static uint8_t buf[GATE_BATCH][CC_DNS_UDP_QUERY_MAX];
	static char control[GATE_BATCH][CMSG_SPACE(sizeof(struct in_pktinfo))];
	static struct sockaddr_in from[GATE_BATCH];
	struct mmsghdr msgs[GATE_BATCH];
	struct iovec iov[GATE_BATCH];

	(void)events;
	gate_policy_check(g);
	for (unsigned rounds = 0; rounds < UDP_ROUNDS_PER_WAKEUP; rounds++) {
		int got;

		for (unsigned i = 0; i < GATE_BATCH; i++) {
			iov[i] = (struct iovec){buf[i], sizeof(buf[i])};
			msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &from[i],
							       .msg_namelen = sizeof(from[i]),
							       .msg_iov = &iov[i],
							       .msg_iovlen = 1,
							       .msg_control = control[i],
							       .msg_controllen = sizeof(control[i])}};
		}
		got = recvmmsg(w->fd, msgs, GATE_BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0)
			break;
		g->round++;
		for (int i = 0; i < got; i++) {
			struct msghdr *mh = &msgs[i].msg_hdr;
			struct gate_client client = {.addr = from[i]};
			int ifindex = -1; /* none: never matches a link */
			bool from_cell;
			struct gate_cell *cell;

			if (mh->msg_flags & MSG_TRUNC)
				continue; /* no question is that long */
			for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
				if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
					ifindex = ((const struct in_pktinfo *)(const void *)CMSG_DATA(c))->ipi_ifindex;
			cell = gate_cell_of(g, ifindex, &client.addr, &from_cell);
			if (!cell && from_cell)
				continue; /* a cell's address on another link: spoofed */
			if (cell) {
				client.index = cell->index;
				client.serial = cell->serial;
			}
			gate_question(g, cell, &client, buf[i], msgs[i].msg_len);
		}
		gate_flush(g);
		if (got < GATE_BATCH)
			break;
	}
	gate_flush(g);
}

/* Questions nobody answered in time: the next resolver, then SERVFAIL. */
static void expire_pending(struct gate *g, int64_t now)
{
	for (unsigned i = 0; i < GATE_PENDING_MAX && g->pending_count; i++) {
		struct gate_pending *p = &g->pending[i];

		if (p->used && !p->leader && now - p->sent_ms >= GATE_UPSTREAM_TIMEOUT_MS)
			gate_ask_next(g, p); /* its followers go with it */
	}
}

static void timer_ready(struct watch *w, uint32_t events)
{
	struct gate *g = watch_owner(w, struct gate, timer);
	uint64_t ticks;
	int64_t now = gate_now_ms();

	(void)events;
	g->round++;
	if (read(w->fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	expire_pending(g, now);
	gate_tcp_sweep(g, now);
	/* A rule that went takes what it opened with it, questions or not. */
	gate_policy_check(g);
	for (uint32_t i = 0; i < g->capacity; i++)
		if (g->cells[i] && g->cells[i]->rules_epoch != g->rules_epoch)
			gate_policy_refresh(g, g->cells[i]);
	for (uint32_t i = 0; i < g->capacity; i++)
		if (g->cells[i] && now - g->cells[i]->audit_since_ms >= GATE_AUDIT_INTERVAL_MS)
			gate_audit_flush(g, g->cells[i], now, true);
	gate_flush(g);
}

static int listen_socket(int type, uint16_t port, struct cc_err *err)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	int one = 1;
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open the DNS gate's socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (type == SOCK_DGRAM && setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0) {
		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "IP_PKTINFO on the DNS gate's socket");
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || (type == SOCK_STREAM && listen(fd, 64) < 0)) {
		int e = errno;

		close(fd);
		return cc_fail_errno(err, CC_ERR_SYSTEM, e,
				     "the DNS gate cannot listen on 127.0.0.1:%u/%s (dns_gate_port in chatcell.conf)",
				     (unsigned)port, type == SOCK_DGRAM ? "udp" : "tcp");
	}
	return fd;
}

static void tcp_ready(struct watch *w, uint32_t events)
{
	(void)events;
	gate_tcp_accept(watch_owner(w, struct gate, tcp));
}

int gate_open(struct gate *g, const struct cc_config *config, struct loop *loop, struct cc_err *err)
{
	struct itimerspec every = {{0, TIMER_MS * 1000000L}, {0, TIMER_MS * 1000000L}};
	uint64_t capacity = cc_cell_capacity(config);

	memset(g, 0, sizeof(*g));
	g->config = config;
	g->loop = loop;
	g->rules_epoch = 1; /* a cell's 0: its rules were never read */
	g->udp.fd = g->tcp.fd = g->timer.fd = g->registry_events = -1;
	g->route_fd = cc_local_route_open();
	if (g->route_fd < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot open the DNS gate's route socket");
	g->capacity = capacity > UINT32_MAX ? UINT32_MAX : (uint32_t)capacity;
	g->cells = calloc(g->capacity ? g->capacity : 1, sizeof(struct gate_cell *));
	if (gate_hash_open(g, err) < 0)
		return -1;
	if (!g->cells || gate_cache_open(g) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "the DNS gate's cell table");
	if ((g->udp.fd = listen_socket(SOCK_DGRAM, config->dns_gate_port, err)) < 0 ||
	    (g->tcp.fd = listen_socket(SOCK_STREAM, config->dns_gate_port, err)) < 0)
		return -1;
	g->timer.fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (g->timer.fd < 0 || timerfd_settime(g->timer.fd, 0, &every, NULL) < 0)
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "the DNS gate's timer");
	g->udp.ready = udp_ready;
	g->tcp.ready = tcp_ready;
	g->timer.ready = timer_ready;
	if (loop_add(loop, &g->udp, EPOLLIN, err) < 0 || loop_add(loop, &g->tcp, EPOLLIN, err) < 0 ||
	    loop_add(loop, &g->timer, EPOLLIN, err) < 0)
		return -1;
	gate_learn_forget_all();
	return 0;
}

void gate_close(struct gate *g)
{
	struct watch *watches[] = {&g->udp, &g->tcp, &g->timer};

	if (!g->config)
		return; /* never opened */
	for (unsigned i = 0; i < GATE_PENDING_MAX; i++)
		gate_pending_free(g, &g->pending[i]);
	gate_tcp_close_all(g);
	gate_cells_close(g);
	free(g->cells);
	g->cells = NULL;
	gate_cache_close(g);
	gate_hash_close(g);
	for (size_t i = 0; i < sizeof(watches) / sizeof(watches[0]); i++) {
		if (watches[i]->fd >= 0)
			close(watches[i]->fd);
		watches[i]->fd = -1;
	}
	if (g->route_fd >= 0)
		close(g->route_fd);
	g->route_fd = -1;
	if (g->registry_events >= 0)
		close(g->registry_events);
	g->registry_events = -1;
	if (g->reg_open) {
		sqlite3_finalize(g->data_version_stmt);
		cc_registry_close(&g->reg);
	}
	g->reg_open = false;
	g->config = NULL;
}
