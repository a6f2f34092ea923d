/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS gate: the only DNS server a cell can reach. The host's table
 * sends each cell's queries to its gateway (169.254.1.1:53) here, to
 * 127.0.0.1:dns_gate_port. The gate knows the cell from the link the query
 * came in on, answers only names the chat's rules allow (REFUSED for the
 * rest, which go nowhere), asks dns_servers for the others, and puts the
 * addresses of each answer into the chat's learned sets in its cell's
 * table before the chat sees the answer, so the first connect works.
 *
 * Internal to chatcelld: gate.c (UDP, upstream, timers), gate_pending.c
 * (the questions waiting for a resolver), gate_udp.c (a question to a
 * resolver over UDP), gate_tcp.c,
 * gate_cells.c (who asks), gate_policy.c (rules), gate_learn.c (the
 * cells' learned sets), gate_audit.c (rate limits and refusals). */
#ifndef CHATCELLD_GATE_H
#define CHATCELLD_GATE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cmac_aes128_ctx;

#include "base/error.h"
#include "config/conf.h"
#include "db/egress_store.h"
#include "db/registry.h"
#include <sqlite3.h>
#include "dns/dns_wire.h"
#include "loop.h"

#define GATE_PENDING_MAX 4096    /* questions waiting for an upstream */
#define GATE_LEADER_BUCKETS 1024 /* questions asked upstream, found by what they ask */
/* One chat's share of them: a chat whose names the resolvers never answer
 * cannot fill the table for every other chat. */
#define GATE_PENDING_PER_CELL 64
#define GATE_QUERY_MAX 512       /* a query the gate writes: header, question, OPT (282 bytes at most) */
#define GATE_TCP_CLIENTS_MAX 256 /* TCP connections from cells at once */
#define GATE_TCP_PER_CELL 8
#define GATE_UPSTREAM_TIMEOUT_MS 2000 /* then the next resolver, then SERVFAIL */
#define GATE_TCP_IDLE_MS 10000
#define GATE_AUDIT_INTERVAL_MS 60000 /* refused names are logged once per chat per interval */
#define GATE_REFUSALS_LOGGED 8       /* names per chat per interval; the rest are counted */
#define GATE_REGISTRY_WAIT_MS 25     /* for the registry's write lock, at most */
#define GATE_REFUSAL_EVENTS_KEPT 20  /* per chat in the registry's audit trail */
#define GATE_BATCH 32                 /* UDP questions read, and answers sent, per system call */
#define GATE_BATCH_ANSWER_MAX 1232    /* larger answers go at once */
#define GATE_CACHE_SIZE 1024          /* answers kept (gate_cache.c) */
#define GATE_CHAT_RULES_MAX 256      /* --domain rules of one chat the gate applies */
#define GATE_RULES_MAX (GATE_CHAT_RULES_MAX + CC_DNS_ALLOW_MAX)

/* One rule as the gate applies it: a chat's --domain rule or dns_allow. */
struct gate_rule {
	char pattern[CC_HOST_NAME_MAX + 1];
	bool wildcard;
	bool any_port;
	uint8_t proto;
	uint16_t port_first, port_last;
	bool private_ok;
};

struct gate_learned; /* gate_learn.c */

/* A running cell the gate has seen a query from. */
struct gate_cell {
	struct watch keeper_exit; /* the keeper's pidfd: the cell ended */
	struct gate *gate;
	uint32_t index, uid;
	uint64_t serial; /* tells a later cell on the same index apart */
	uint64_t alive_round; /* the gate's round when the keeper was last seen alive */
	char user[CC_NAME_MAX + 1];
	int pidfd, netns;
	int ifindex; /* of its link ccN on the host, once a question came in on it */
	int64_t chat; /* chats.id */
	struct gate_rule *rules; /* the chat's, then dns_allow */
	size_t rule_count;
	uint64_t rules_epoch; /* the gate's, when they were read; 0: never */
	struct gate_learned *learned;
	double tokens; /* rate limit: a token bucket */
	int64_t tokens_at_ms;
	unsigned tcp_clients;
	unsigned pending; /* its questions waiting for a resolver */
	/* refusals in the current audit interval */
	char refused[GATE_REFUSALS_LOGGED][CC_DNS_NAME_TEXT_MAX + 16];
	unsigned refused_count, refused_logged, refused_more;
	int64_t audit_since_ms;
};

/* Who to answer: a UDP client (address) or a TCP connection. */
struct gate_client {
	bool tcp;
	struct sockaddr_in addr;
	struct gate_tcp_client *conn;
	uint32_t index;
	uint64_t serial;
};

struct gate_pending {
	bool used;
	uint16_t upstream_id;
	struct cc_dns_query query; /* with the chat's ID */
	struct gate_client client;
	uint8_t *msg; /* the query as received (ID replaced when sent) */
	size_t msg_len;
	unsigned server; /* index into dns_servers */
	int64_t sent_ms;
	struct gate_udp_upstream *udp; /* its socket to the resolver over UDP, or NULL */
	struct gate_tcp_upstream *tcp; /* an upstream TCP connection, or NULL */
	/* A UDP question the same as one already asked upstream (name, type,
	 * class, RD, EDNS) waits on that one, its leader, and is answered
	 * with it: a forger gets one chance per question asked, not one per
	 * client (RFC 5452, 5). */
	struct gate_pending *leader;        /* NULL: asked upstream itself */
	struct gate_pending *followers;     /* those waiting on this one */
	struct gate_pending *next_follower; /* the next waiting on the same leader */
	uint32_t key_hash;                  /* of what makes questions the same */
	uint32_t uid;                       /* the asking chat's: questions are the same within a chat only */
	uint16_t next_leader;               /* slot + 1 of the next UDP leader in its bucket, or 0 */
	bool listed;                        /* in g->leaders */
};

struct gate {
	const struct cc_config *config;
	struct cc_registry reg;
	bool reg_open;
	int64_t data_version; /* the registry's, when it was last looked at */
	/* inotify on the registry's directory: no event since the last look
	 * means no commit since (gate_policy.c); -1: look every time. */
	int registry_events;
	uint64_t rules_epoch; /* moves on when the registry changed */
	char tables_rebuilt[24]; /* CC_SETTING_TABLES_REBUILT as last read */
	sqlite3_stmt *data_version_stmt;
	struct loop *loop;
	struct watch udp, tcp, timer;
	uint64_t next_serial;
	struct gate_cell **cells; /* by index */
	uint32_t capacity;
	struct gate_pending pending[GATE_PENDING_MAX];
	unsigned pending_count, pending_cursor;
	uint16_t leaders[GATE_LEADER_BUCKETS]; /* slot + 1 of a UDP question asked upstream, by key_hash */
	struct cmac_aes128_ctx *hash; /* keyed at start, for gate_hash */
	unsigned tcp_clients;
	struct gate_tcp_client *tcp_list;
	struct gate_tcp_upstream *upstream_list;
	struct gate_cache_entry *cache;
	uint64_t round; /* rounds of questions read: a keeper is asked once a round if it lives */
	/* UDP answers waiting for the round's one sendmmsg */
	struct sockaddr_in out_addr[GATE_BATCH];
	uint8_t out_buf[GATE_BATCH][GATE_BATCH_ANSWER_MAX];
	size_t out_len[GATE_BATCH];
	unsigned out_count;
	uint64_t answered, refused, failed, cached; /* for the log at exit */
	int route_fd; /* asks the kernel whether an address is the host's (net/local_addr.h) */
};

/* Open the listening sockets on 127.0.0.1:dns_gate_port and the registry;
 * add them to the loop. */
int gate_open(struct gate *g, const struct cc_config *config, struct loop *loop, struct cc_err *err);
void gate_close(struct gate *g);

int64_t gate_now_ms(void);

/* gate.c: a parsed question from a client, and its answer. */
void gate_question(struct gate *g, struct gate_cell *cell, const struct gate_client *client, const uint8_t *msg,
		   size_t len);
void gate_reply(struct gate *g, const struct gate_client *client, const uint8_t *msg, size_t len);
/* Send the UDP answers waiting (each handler that may answer ends with it). */
void gate_flush(struct gate *g);
bool gate_answer_from_cache(struct gate *g, struct gate_cell *cell, const struct gate_client *client,
			    const struct cc_dns_query *q, int64_t now_ms);
/* An upstream answer (UDP or TCP) for pending slot p. */
void gate_upstream_answer(struct gate *g, struct gate_pending *p, const uint8_t *msg, size_t len);
/* gate_pending.c: a free slot with a random ID for its question (each
 * question has a socket of its own, so IDs need not differ), or NULL. */
struct gate_pending *gate_pending_new(struct gate *g);
/* Does p (a UDP question of chat `uid`, filled in) wait on the same
 * question the same chat already asked upstream? Else others may wait on
 * p. Only within a chat: a question merged with another chat's would come
 * back with it, telling the one what the other asked a moment ago. */
bool gate_pending_follow(struct gate *g, struct gate_pending *p, uint32_t uid);

/* gate_hash.c: where a chat's question goes in the leaders' buckets and
 * the cache: a keyed pseudo-random function, key drawn at the gate's
 * start, so a chat cannot work out which names share a slot with a name
 * it may not ask (and watch that slot for another chat's). The cache is
 * still one table for all chats: a chat that asks many names pushes
 * others' answers out, and can tell that some other chat's answer took a
 * slot it had, not which. */
int gate_hash_open(struct gate *g, struct cc_err *err);
void gate_hash_close(struct gate *g);
uint32_t gate_hash(const struct gate *g, uint32_t uid, const char *name, const uint8_t *tail, size_t tail_len);
/* The questions waiting on p, taken off it (each with no leader). */
struct gate_pending *gate_pending_take_followers(struct gate_pending *p);
/* Everything p holds, given back: p is a free slot. */
void gate_pending_release(struct gate *g, struct gate_pending *p);
/* p and the questions waiting on it, released. */
void gate_pending_free(struct gate *g, struct gate_pending *p);
/* p's resolver will not answer (in time, or at all: its port is closed):
 * ask the next one, or answer SERVFAIL and free p. */
void gate_ask_next(struct gate *g, struct gate_pending *p);

/* gate_cache.c */
struct gate_cache_entry;
int gate_cache_open(struct gate *g);
void gate_cache_close(struct gate *g);
/* Kept per chat (uid): another chat's kept answer, its TTL counted down,
 * would tell when that chat asked. */
void gate_cache_put(struct gate *g, uint32_t uid, const struct cc_dns_query *q, const struct cc_dns_answer *a,
		    int64_t now_ms);
/* A kept answer to q for chat `uid`, its TTLs counted down: true, or false. */
bool gate_cache_get(struct gate *g, uint32_t uid, const struct cc_dns_query *q, struct cc_dns_answer *a,
		    int64_t now_ms);

/* A socket to `server` (IPv4 as v4-mapped IPv6; asked over IPv4) of `type`, connected or
 * connecting, in w->fd and watched for `events`: 0, or -1 (nothing is
 * left open). */
int gate_upstream_open(struct gate *g, int type, const struct sockaddr_in6 *server, struct watch *w,
		       uint32_t events);

/* gate_udp.c: ask p's question (msg) of `server` from a socket of its own;
 * 0, or -1. The answer goes to gate_upstream_answer. */
struct gate_udp_upstream;
int gate_udp_ask(struct gate *g, struct gate_pending *p, const struct sockaddr_in6 *server, const uint8_t *msg,
		 size_t len);
/* Close p's socket, if any. */
void gate_udp_forget(struct gate *g, struct gate_pending *p);

/* gate_tcp.c */
struct gate_tcp_client;
struct gate_tcp_upstream;
void gate_tcp_accept(struct gate *g);
void gate_tcp_reply(struct gate *g, struct gate_tcp_client *conn, const uint8_t *msg, size_t len);
int gate_tcp_ask(struct gate *g, struct gate_pending *p, const struct sockaddr_in6 *server, const uint8_t *msg,
		 size_t len);
/* The client connection waits for p; p goes when the connection does. */
void gate_tcp_bind(struct gate_tcp_client *conn, struct gate_pending *p);
void gate_tcp_unbind(struct gate_tcp_client *conn, const struct gate_pending *p);
void gate_tcp_sweep(struct gate *g, int64_t now_ms);
/* Close p's upstream TCP connection, if any. */
void gate_tcp_forget(struct gate *g, struct gate_pending *p);
void gate_tcp_close_all(struct gate *g);

/* gate_cells.c: the cell whose link `ifindex` is and whose address `from`
 * is (UDP), or whose address `from` is (TCP, ifindex 0: the handshake
 * proved the address), found or attached. NULL if none: *from_cell then
 * says whether it still came from a cell's link or address (a spoofed or
 * stale source: drop it) or from elsewhere (the host: answer REFUSED). */
struct gate_cell *gate_cell_of(struct gate *g, int ifindex, const struct sockaddr_in *from, bool *from_cell);
struct gate_cell *gate_cell_get(struct gate *g, uint32_t index, uint64_t serial);
void gate_cells_close(struct gate *g);

/* gate_policy.c */
/* Has the registry changed? (Then every cell's rules are read again when
 * next needed.) */
void gate_policy_check(struct gate *g);
/* Reload the cell's rules when the registry changed; a cell whose rules
 * changed forgets what it learned. */
void gate_policy_refresh(struct gate *g, struct gate_cell *cell);
/* Does some rule allow `name`? The rules that match it are marked in
 * `matched` (rule_count entries) unless it is NULL. */
bool gate_policy_allows(const struct gate_cell *cell, const char *name, bool *matched);

/* gate_learn.c: open the addresses for the chat before it sees them,
 * each for the matched rules that allow it (a private one only for a
 * --private rule). 0, or -1 (the answer becomes SERVFAIL). */
int gate_learn(struct gate *g, struct gate_cell *cell, const bool *matched, const struct cc_dns_addr *addrs,
	       const bool *keep, const bool *is_private, unsigned count);
void gate_learn_forget(struct gate *g, struct gate_cell *cell);
/* A rule of the chat went or changed: forget, and cut the cell's open
 * connections (conntrack_flush.h). */
void gate_learn_revoke(struct gate *g, struct gate_cell *cell);
/* The cell's table was built anew (empty learned sets): forget what the
 * gate thinks it opened there, without touching the kernel. */
void gate_learn_reset(struct gate_cell *cell);
/* At the gate's start: every running cell forgets what an earlier gate
 * let it learn, under rules that may have gone meanwhile (a cell the new
 * gate meets forgets again, gate_cells.c). */
void gate_learn_forget_all(void);
void gate_learn_free(struct gate_cell *cell);

/* gate_audit.c */
bool gate_rate_take(struct gate *g, struct gate_cell *cell, int64_t now_ms);
void gate_refusal(struct gate *g, struct gate_cell *cell, const char *name, const char *why, int64_t now_ms);
/* Log what was refused and not yet logged; at the interval's end (or with
 * `end`), start a new interval. */
void gate_audit_flush(struct gate *g, struct gate_cell *cell, int64_t now_ms, bool end);

#endif
