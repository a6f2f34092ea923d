/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A chat's egress policy, changed in the registry and the kernel at once:
 * every function works inside the caller's open write transaction and
 * sends its kernel change before returning, so the caller commits only if
 * the kernel took it (see egress_sync.h). Address rules must not overlap
 * another rule of the same chat (the kernel refuses overlapping interval
 * elements); host rules resolve their name now and keep each address for
 * its DNS TTL. */
#ifndef CHATCELL_EGRESS_POLICY_H
#define CHATCELL_EGRESS_POLICY_H

#include <stdint.h>

#include "base/egress_rule.h"
#include "base/error.h"
#include "config/conf.h"
#include "db/chats.h"
#include "db/registry.h"

struct cc_egress_ctx {
	struct cc_registry *reg;
	const struct cc_config *config;
	int64_t now;
};

/* 1 allowed, 0 already allowed; an overlapping rule is CC_ERR_CONFLICT. */
int cc_egress_allow_address(const struct cc_egress_ctx *x, const struct cc_chat *chat,
			    const struct cc_egress_rule *rule, struct cc_err *err);

/* 1 denied, 0 the chat has no such rule. */
int cc_egress_deny_address(const struct cc_egress_ctx *x, const struct cc_chat *chat,
			   const struct cc_egress_rule *rule, struct cc_err *err);

/* Add the host rule (or keep it) and resolve it: 1, or -1. *addresses is
 * how many addresses it allows now (addresses another rule covers are left
 * out). */
int cc_egress_allow_host(const struct cc_egress_ctx *x, const struct cc_chat *chat, const char *host,
			 const struct cc_egress_rule *ports, unsigned *addresses, struct cc_err *err);

/* 1 denied (with its addresses), 0 the chat has no such host rule. */
int cc_egress_deny_host(const struct cc_egress_ctx *x, const struct cc_chat *chat, const char *host,
			const struct cc_egress_rule *ports, struct cc_err *err);

/* Resolve an existing host rule again and replace its addresses: 0 or -1. */
int cc_egress_refresh_host(const struct cc_egress_ctx *x, const struct cc_chat *chat, int64_t host_id,
			   const char *host, const struct cc_egress_rule *ports, unsigned *addresses,
			   struct cc_err *err);

#endif
