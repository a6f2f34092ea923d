/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Who asks the gate: a query comes in on cell N's link ccN from cell N's
 * address, and cell N is the one whose keeper holds index N. A cell the
 * gate has seen stays known until its keeper ends (its pidfd becomes
 * readable): then everything the gate kept for it goes. */
#include "gate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "cell/cell_index.h"
#include "db/chats.h"
#include "net/cell_addr.h"

/* ccN → N; anything else is not a cell's link. */
static int link_index(int ifindex, uint32_t *index)
{
	char name[IF_NAMESIZE];

	if (!if_indextoname((unsigned)ifindex, name) || !cc_cell_host_link_index(name, index))
		return -1;
	return 0;
}

/* The index whose IPv4 address `addr` is: base + index + 1 (cell_addr.h). */
static int address_index(const struct cc_config *config, const struct in_addr *addr, uint32_t *index)
{
	uint32_t base, a = ntohl(addr->s_addr);

	memcpy(&base, config->cell_ipv4_range.addr, 4);
	base = ntohl(base);
	if (a <= base)
		return -1;
	*index = a - base - 1;
	return 0;
}

static void cell_free(struct gate *g, struct gate_cell *cell)
{
	gate_audit_flush(g, cell, gate_now_ms(), true);
	g->cells[cell->index] = NULL;
	gate_learn_free(cell);
	free(cell->rules);
	cell->rules = NULL;
	if (cell->netns >= 0)
		close(cell->netns);
	/* Its pending questions find no cell when answered (serial). */
	loop_bury(g->loop, &cell->keeper_exit, cell);
	close(cell->pidfd);
}

static void keeper_exited(struct watch *w, uint32_t events)
{
	struct gate_cell *cell = watch_owner(w, struct gate_cell, keeper_exit);

	(void)events;
	cell_free(cell->gate, cell);
}

/* Has the keeper not ended? Asked on use (once per round of questions
 * read together), not left to the loop: a new cell may hold the index
 * before the old keeper's end is read. */
static bool alive(struct gate *g, struct gate_cell *cell)
{
	struct pollfd pfd = {.fd = cell->pidfd, .events = POLLIN};

	if (cell->alive_round == g->round && g->round)
		return true; /* asked already for this round of questions */
	if (poll(&pfd, 1, 0) == 0) {
		cell->alive_round = g->round;
		return true;
	}
	cell_free(g, cell);
	return false;
}

/* Learn who holds index N, and start keeping state for the cell. */
static struct gate_cell *attach(struct gate *g, uint32_t index)
{
	struct gate_cell *cell;
	struct cc_cell keeper;
	struct cc_chat chat;
	struct cc_err err = {0};
	uint32_t uid;
	int netns;

	if (cc_cell_of_index(index, &uid, &keeper, &err) <= 0) {
		if (err.msg[0])
			fprintf(stderr, "chatcelld: DNS gate: cell %u: %s\n", index, err.msg);
		return NULL;
	}
	netns = cc_cell_netns_open(&keeper);
	cell = calloc(1, sizeof(*cell));
	if (netns < 0 || !cell) {
		fprintf(stderr, "chatcelld: DNS gate: cannot reach the network namespace of cell %u\n", index);
		free(cell);
		if (netns >= 0)
			close(netns);
		cc_cell_close(&keeper);
		return NULL;
	}
	cell->gate = g;
	cell->index = index;
	cell->uid = uid;
	cell->serial = ++g->next_serial;
	cell->pidfd = keeper.pidfd;
	cell->netns = netns;
	cell->chat = -1;
	cell->tokens = g->config->dns_burst;
	cell->tokens_at_ms = gate_now_ms();
	cell->audit_since_ms = cell->tokens_at_ms;
	snprintf(cell->user, sizeof(cell->user), "%s", keeper.name[0] ? keeper.name : "?");
	if (g->reg_open && cc_chats_find_by_uid(&g->reg, uid, &chat, &err) > 0)
		snprintf(cell->user, sizeof(cell->user), "%s", chat.name);
	cell->keeper_exit.fd = cell->pidfd;
	cell->keeper_exit.ready = keeper_exited;
	if (loop_add(g->loop, &cell->keeper_exit, EPOLLIN, &err) < 0) {
		close(cell->pidfd);
		close(netns);
		free(cell);
		return NULL;
	}
	g->cells[index] = cell;
	/* What the kernel holds and what the gate thinks it holds agree from
	 * here: an earlier gate's learned addresses go. */
	gate_learn_forget(g, cell);
	gate_policy_refresh(g, cell);
	return cell;
}

/* Is the address inside cell_ipv4_range? */
static bool in_cell_range(const struct cc_config *config, const struct in_addr *addr)
{
	unsigned len = config->cell_ipv4_range.prefix_len;
	uint32_t base, mask = len ? ~0u << (32 - len) : 0;

	memcpy(&base, config->cell_ipv4_range.addr, 4);
	return ((ntohl(addr->s_addr) ^ ntohl(base)) & mask) == 0;
}

struct gate_cell *gate_cell_of(struct gate *g, int ifindex, const struct sockaddr_in *from, bool *from_cell)
{
	struct cc_cell_addrs addrs;
	struct gate_cell *cell;
	struct cc_err err = {0};
	uint32_t index, on_link;

	*from_cell = from->sin_family == AF_INET && in_cell_range(g->config, &from->sin_addr);
	if (!*from_cell || address_index(g->config, &from->sin_addr, &index) < 0 || index >= g->capacity)
		return NULL;
	cell = g->cells[index];
	if (!cell || !alive(g, cell)) {
		if (cc_cell_addrs(g->config, index, &addrs, &err) < 0 || memcmp(addrs.ipv4, &from->sin_addr, 4) != 0)
			return NULL;
		cell = attach(g, index);
	}
	if (!cell || ifindex == 0 || ifindex == cell->ifindex)
		return cell; /* TCP (the handshake proved the address), or the link known */
	/* The first question on this link: is it the cell's own, ccN? */
	if (ifindex < 0 || link_index(ifindex, &on_link) < 0 || on_link != index)
		return NULL;
	cell->ifindex = ifindex;
	return cell;
}

struct gate_cell *gate_cell_get(struct gate *g, uint32_t index, uint64_t serial)
{
	struct gate_cell *cell = index < g->capacity ? g->cells[index] : NULL;

	return cell && cell->serial == serial && alive(g, cell) ? cell : NULL;
}

void gate_cells_close(struct gate *g)
{
	if (!g->cells)
		return; /* its allocation failed at open */
	for (uint32_t i = 0; i < g->capacity; i++)
		if (g->cells[i])
			cell_free(g, g->cells[i]);
}
