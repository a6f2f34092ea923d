/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Each chat's query rate (a token bucket: dns_rate per second, dns_burst
 * at once) and its refused names: logged once per chat per interval, by
 * the chat's user name (never its chat ID), to the journal and to the
 * registry's audit trail, where `chatcell-admin show` finds them. A chat
 * sending a stream of different names (data in query names) yields one
 * line per interval: the first names and a count of the rest. */
#include "gate.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/chats.h"
#include "db/events.h"

bool gate_rate_take(struct gate *g, struct gate_cell *cell, int64_t now_ms)
{
	double burst = g->config->dns_burst;

	cell->tokens += (double)(now_ms - cell->tokens_at_ms) * g->config->dns_rate / 1000.0;
	if (cell->tokens > burst)
		cell->tokens = burst;
	cell->tokens_at_ms = now_ms;
	if (cell->tokens < 1.0)
		return false;
	cell->tokens -= 1.0;
	return true;
}

void gate_refusal(struct gate *g, struct gate_cell *cell, const char *name, const char *why, int64_t now_ms)
{
	char line[sizeof(cell->refused[0])];
	bool plain = strcmp(why, "no rule allows it") == 0;

	if (now_ms - cell->audit_since_ms >= GATE_AUDIT_INTERVAL_MS)
		gate_audit_flush(g, cell, now_ms, true);
	snprintf(line, sizeof(line), "%s%s%s", name[0] ? name : ".", plain ? "" : " (", plain ? "" : why);
	if (!plain)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), ")");
	for (unsigned i = 0; i < cell->refused_count; i++)
		if (strcmp(cell->refused[i], line) == 0)
			return; /* known this interval */
	if (cell->refused_count == GATE_REFUSALS_LOGGED) {
		cell->refused_more++;
		return;
	}
	snprintf(cell->refused[cell->refused_count++], sizeof(cell->refused[0]), "%s", line);
	/* The interval's first refusal is logged at once, the others at its end. */
	if (cell->refused_logged == 0)
		gate_audit_flush(g, cell, now_ms, false);
}

static void record_event(struct gate *g, const struct gate_cell *cell, const char *detail)
{
	struct cc_chat chat;
	struct cc_err err = {0};

	if (!g->reg_open || cc_chats_find_by_uid(&g->reg, cell->uid, &chat, &err) <= 0)
		return;
	if (cc_registry_begin_write(&g->reg, &err) < 0)
		goto failed;
	if (cc_events_add(&g->reg, (int64_t)time(NULL), "chatcelld", "dns-refused", &chat, detail, &err) < 0 ||
	    cc_events_trim(&g->reg, chat.id, "dns-refused", GATE_REFUSAL_EVENTS_KEPT, &err) < 0) {
		cc_registry_rollback(&g->reg);
		goto failed;
	}
	if (cc_registry_commit(&g->reg, &err) == 0)
		return;
failed:
	fprintf(stderr, "chatcelld: DNS gate: cannot record %s's refusals in the registry: %s\n", cell->user, err.msg);
}

void gate_audit_flush(struct gate *g, struct gate_cell *cell, int64_t now_ms, bool end)
{
	if (cell->refused_logged < cell->refused_count || cell->refused_more) {
		char detail[512];
		size_t len = 0;

		for (unsigned i = cell->refused_logged; i < cell->refused_count && len < sizeof(detail); i++)
			len += (size_t)snprintf(detail + len, sizeof(detail) - len, "%s%s",
						i > cell->refused_logged ? ", " : "", cell->refused[i]);
		if (cell->refused_more && len < sizeof(detail))
			snprintf(detail + len, sizeof(detail) - len, "%sand %u other names", len ? " " : "",
				 cell->refused_more);
		fprintf(stderr, "chatcelld: DNS gate refused %s: %s\n", cell->user, detail);
		record_event(g, cell, detail);
		cell->refused_logged = cell->refused_count;
		cell->refused_more = 0;
	}
	if (end) {
		cell->refused_count = cell->refused_logged = 0;
		cell->audit_since_ms = now_ms;
	}
}
