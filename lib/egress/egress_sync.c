/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "egress/egress_sync.h"

#include <errno.h>
#include <stdlib.h>

#include "base/grow.h"
#include "db/egress_store.h"
#include "egress/nft_probe.h"

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

static int commit(struct cc_nft_batch *batch, int *kernel_errno, struct cc_err *err)
{
	int rc;

	if (!batch)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "building the nftables batch");
	rc = cc_nft_batch_commit(batch, kernel_errno, err);
	cc_nft_batch_free(batch);
	return rc;
}

int cc_egress_rebuild(struct cc_registry *reg, const struct cc_config *config, int64_t now, struct cc_err *err)
{
	struct cc_nft_element *els;
	struct cc_nft_batch *batch;
	size_t n;
	int kernel_errno = 0;

	if (cc_egress_collect(reg, 0, now, &els, &n, err) < 0)
		return -1;
	batch = cc_nft_batch_new();
	if (batch) {
		cc_nft_batch_replace_table(batch, config);
		cc_nft_batch_add(batch, els, n);
	}
	free(els);
	if (commit(batch, &kernel_errno, err) < 0) {
		cc_err_prefix(err, "rebuilding the egress table: ");
		return -1;
	}
	return 0;
}

int cc_egress_change(struct cc_registry *reg, const struct cc_config *config, const struct cc_nft_element *add,
		     size_t add_count, const struct cc_nft_element *remove, size_t remove_count, int64_t now,
		     struct cc_err *err)
{
	struct cc_nft_batch *batch = cc_nft_batch_new();
	int kernel_errno = 0;

	if (batch) {
		cc_nft_batch_remove(batch, remove, remove_count);
		cc_nft_batch_add(batch, add, add_count);
	}
	if (commit(batch, &kernel_errno, err) == 0)
		return 0;
	if (kernel_errno != ENOENT)
		return -1;
	/* The table is gone: the registry (with this change) says what to build. */
	return cc_egress_rebuild(reg, config, now, err);
}

int cc_egress_ensure_chat(struct cc_registry *reg, const struct cc_config *config, int64_t chat, int64_t now,
			  struct cc_err *err)
{
	struct cc_nft_element *els;
	size_t n;
	int exists = cc_nft_table_exists(err), rc;

	if (exists < 0)
		return -1;
	if (!exists)
		return cc_egress_rebuild(reg, config, now, err);
	if (cc_egress_collect(reg, chat, now, &els, &n, err) < 0)
		return -1;
	rc = cc_egress_change(reg, config, els, n, NULL, 0, now, err);
	free(els);
	return rc;
}
