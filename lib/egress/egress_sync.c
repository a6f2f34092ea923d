/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/egress_sync.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "base/cleanup.h"
#include "base/grow.h"
#include "cell/cell.h"
#include "db/chats.h"
#include "db/egress_store.h"
#include "db/settings.h"
#include "egress/conntrack_flush.h"

struct collection {
	struct cc_nft_element *items;
	size_t count;
	size_t capacity;
	int64_t now;
	struct cc_err *err;
};

static int collect_one(const struct cc_egress_entry *e, void *ctx)
{
	struct collection *c = ctx;
	struct cc_nft_element *grown;

	if (e->expires_at && e->expires_at <= c->now)
		return 0;
	grown = cc_grow(c->items, &c->capacity, c->count, sizeof(*c->items), 64);
	if (!grown)
		return cc_fail_errno(c->err, CC_ERR_SYSTEM, ENOMEM, "collecting the egress allowlist");
	c->items = grown;
	c->items[c->count].uid = e->uid;
	c->items[c->count].rule = e->rule;
	c->items[c->count].timeout_ms = e->expires_at ? (uint64_t)(e->expires_at - c->now) * 1000 : 0;
	c->count++;
	return 0;
}

int cc_egress_collect(struct cc_registry *reg, int64_t chat, int64_t now, struct cc_nft_element **elements,
		      size_t *count, struct cc_err *err)
{
	struct collection c = {.now = now, .err = err};

	if (cc_egress_each(reg, chat, collect_one, &c, err) < 0) {
		free(c.items);
		if (err->kind == CC_OK)
			cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "collecting egress rules");
		return -1;
	}
	*elements = c.items;
	*count = c.count;
	return 0;
}

/* Send the batch to the table of the cell whose network namespace is
 * `netns` (-1: the caller's own, when it has joined the cell). */
static int commit(struct cc_nft_batch *batch, int netns, int *kernel_errno, struct cc_err *err)
{
	int rc;

	if (!batch)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "building the nftables batch");
	rc = cc_nft_batch_commit_in(batch, netns, kernel_errno, err);
	cc_nft_batch_free(batch);
	return rc;
}

/* Build the table of chat `uid`'s cell anew from the registry. */
int cc_egress_build_cell(struct cc_registry *reg, const struct cc_config *config, uint32_t uid, int netns,
			int64_t now, struct cc_err *err)
{
	struct cc_nft_element *els = NULL;
	struct cc_nft_batch *batch;
	struct cc_chat chat;
	size_t n = 0;
	int kernel_errno = 0;
	int found = cc_chats_find_by_uid(reg, uid, &chat, err);

	if (found < 0)
		return -1;
	/* A cell of no chat (deleted while it ran) gets a table that lets
	 * nothing out; `delete` ends the cell anyway. */
	if (found > 0 && cc_egress_collect(reg, chat.id, now, &els, &n, err) < 0)
		return -1;
	batch = cc_nft_batch_new();
	if (batch) {
		cc_nft_batch_replace_table(batch, config);
		cc_nft_batch_add(batch, els, n);
	}
	free(els);
	return commit(batch, netns, &kernel_errno, err);
}

struct rebuild_walk {
	struct cc_registry *reg;
	const struct cc_config *config;
	int64_t now;
	size_t cells;
};

static int rebuild_one(uint32_t uid, const struct cc_cell *cell, void *ctx, struct cc_err *err)
{
	struct rebuild_walk *w = ctx;
	cc_cleanup_close int netns = cc_cell_netns_open(cell);

	if (netns < 0)
		return errno == ESRCH || errno == ENOENT ? 0 : cc_fail_errno(err, CC_ERR_SYSTEM, errno,
									    "cannot open the network namespace of cell %u", uid);
	if (cc_egress_build_cell(w->reg, w->config, uid, netns, w->now, err) < 0) {
		cc_err_prefix(err, "rebuilding the egress table of cell %u: ", uid);
		return -1;
	}
	w->cells++;
	return 0;
}

/* Cells' tables were built anew: say so to the DNS gate (db/settings.h). */
static int note_rebuilt(struct cc_registry *reg, struct cc_err *err)
{
	uint64_t nonce;
	char text[24];

	if (getrandom(&nonce, sizeof(nonce), 0) != (ssize_t)sizeof(nonce))
		return cc_fail_errno(err, CC_ERR_SYSTEM, errno, "cannot note the rebuilt egress tables (getrandom)");
	snprintf(text, sizeof(text), "%016llx", (unsigned long long)nonce);
	return cc_settings_set(reg, CC_SETTING_TABLES_REBUILT, text, err);
}

int cc_egress_rebuild(struct cc_registry *reg, const struct cc_config *config, int64_t now, size_t *cells,
		      struct cc_err *err)
{
	struct rebuild_walk w = {reg, config, now, 0};
	int rc = cc_cell_each(rebuild_one, &w, err);

	if (cells)
		*cells = w.cells;
	if (w.cells) {
		struct cc_err note = {0};

		/* A failed rebuild's own error wins over the note's. */
		if (note_rebuilt(reg, &note) < 0 && rc == 0) {
			*err = note;
			rc = -1;
		}
	}
	return rc;
}

/* The elements of `uid` among `els`, copied to the front of `out`. */
static size_t of_uid(const struct cc_nft_element *els, size_t count, uint32_t uid, struct cc_nft_element *out)
{
	size_t n = 0;

	for (size_t i = 0; i < count; i++)
		if (els[i].uid == uid)
			out[n++] = els[i];
	return n;
}

/* A change to chat `uid`'s cell, if one runs: build() fills the batch.
 * One the admin made to take something away (`removes`) cuts the cell's
 * open connections too (conntrack_flush.h). */
struct cell_change {
	void (*build)(struct cc_nft_batch *batch, const struct cell_change *change);
	const struct cc_nft_element *add, *remove;
	size_t add_count, remove_count;
	bool removes;
};

static int change_cell(struct cc_registry *reg, const struct cc_config *config, uint32_t uid,
		       const struct cell_change *change, int64_t now, struct cc_err *err)
{
	struct cc_cell cell;
	struct cc_nft_batch *batch;
	int found = cc_cell_find(uid, &cell, err), kernel_errno = 0, rc;
	cc_cleanup_close int netns = -1;

	if (found <= 0)
		return found; /* no cell: its next one is built from the registry */
	netns = cc_cell_netns_open(&cell);
	cc_cell_close(&cell);
	if (netns < 0)
		return errno == ESRCH || errno == ENOENT ? 0 : cc_fail_errno(err, CC_ERR_SYSTEM, errno,
									    "cannot open the network namespace of cell %u", uid);
	batch = cc_nft_batch_new();
	if (batch)
		change->build(batch, change);
	rc = commit(batch, netns, &kernel_errno, err);
	if (rc < 0 && kernel_errno == ENOENT) {
		/* The cell's table is gone: the registry (with this change) says what to build. */
		memset(err, 0, sizeof(*err));
		rc = cc_egress_build_cell(reg, config, uid, netns, now, err);
		if (rc == 0)
			rc = note_rebuilt(reg, err);
	}
	if (rc == 0 && change->removes)
		rc = cc_conntrack_flush(netns, err);
	return rc;
}

static void build_elements(struct cc_nft_batch *batch, const struct cell_change *change)
{
	cc_nft_batch_remove(batch, change->remove, change->remove_count);
	cc_nft_batch_add(batch, change->add, change->add_count);
}

static void build_forget(struct cc_nft_batch *batch, const struct cell_change *change)
{
	(void)change;
	cc_nft_batch_forget_learned(batch);
}

int cc_egress_forget_learned(struct cc_registry *reg, const struct cc_config *config, uint32_t uid, int64_t now,
			     struct cc_err *err)
{
	const struct cell_change forget = {.build = build_forget, .removes = true};

	return change_cell(reg, config, uid, &forget, now, err) < 0 ? -1 : 0;
}

static int change_cells(struct cc_registry *reg, const struct cc_config *config, const struct cc_nft_element *add,
			size_t add_count, const struct cc_nft_element *remove, size_t remove_count, bool cut, int64_t now,
			struct cc_err *err)
{
	struct cc_nft_element *mine = calloc(add_count + remove_count + 1, sizeof(*mine));
	int rc = 0;

	if (!mine)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "changing the egress tables");
	/* Each chat's part goes to its own cell, once. */
	for (size_t i = 0; rc == 0 && i < add_count + remove_count; i++) {
		uint32_t uid = i < add_count ? add[i].uid : remove[i - add_count].uid;
		bool seen = false;
		size_t na, nr;

		for (size_t j = 0; j < i && !seen; j++)
			seen = (j < add_count ? add[j].uid : remove[j - add_count].uid) == uid;
		if (seen)
			continue;
		na = of_uid(add, add_count, uid, mine);
		nr = of_uid(remove, remove_count, uid, mine + na);
		rc = change_cell(reg, config, uid, &(struct cell_change){build_elements, mine, mine + na, na, nr, cut},
				 now, err) < 0
			     ? -1
			     : 0;
	}
	free(mine);
	return rc;
}

int cc_egress_change(struct cc_registry *reg, const struct cc_config *config, const struct cc_nft_element *add,
		     size_t add_count, const struct cc_nft_element *remove, size_t remove_count, int64_t now,
		     struct cc_err *err)
{
	return change_cells(reg, config, add, add_count, remove, remove_count, false, now, err);
}

int cc_egress_revoke(struct cc_registry *reg, const struct cc_config *config, const struct cc_nft_element *remove,
		     size_t remove_count, int64_t now, struct cc_err *err)
{
	return change_cells(reg, config, NULL, 0, remove, remove_count, true, now, err);
}

/* Chat `chat`'s table from the registry: a new one (`fresh`: none may
 * exist), or one that replaces whatever is there. */
static int build_chat(struct cc_registry *reg, const struct cc_config *config, int64_t chat, int netns, bool fresh,
		      int64_t now, struct cc_err *err)
{
	struct cc_nft_element *els;
	struct cc_nft_batch *batch;
	size_t n;
	int kernel_errno = 0, rc;

	if (cc_egress_collect(reg, chat, now, &els, &n, err) < 0)
		return -1;
	batch = cc_nft_batch_new();
	if (batch) {
		if (fresh)
			cc_nft_batch_new_table(batch, config);
		else
			cc_nft_batch_replace_table(batch, config);
		cc_nft_batch_add(batch, els, n);
	}
	free(els);
	rc = commit(batch, netns, &kernel_errno, err);
	if (rc < 0 && fresh && kernel_errno == EEXIST)
		return cc_fail(err, CC_ERR_CONFLICT,
			       "the new cell's network namespace has a table inet " CC_NFT_TABLE
			       " already; a table chatcell did not make is not taken over");
	return rc;
}

int cc_egress_ensure_chat(struct cc_registry *reg, const struct cc_config *config, int64_t chat, int64_t now,
			  struct cc_err *err)
{
	return build_chat(reg, config, chat, -1, false, now, err);
}

int cc_egress_start_chat(struct cc_registry *reg, const struct cc_config *config, int64_t chat, int netns,
			 int64_t now, struct cc_err *err)
{
	return build_chat(reg, config, chat, netns, true, now, err);
}
