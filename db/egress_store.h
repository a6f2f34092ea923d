/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The egress allowlists in the registry (schema versions 2 and 5). */
#ifndef CHATCELL_EGRESS_STORE_H
#define CHATCELL_EGRESS_STORE_H

#include <stdint.h>

#include "base/egress_rule.h"
#include "db/registry.h"

#define CC_HOST_NAME_MAX 253

struct cc_egress_entry {
	int64_t id;
	int64_t chat;  /* chats.id */
	uint32_t uid;  /* the chat's UID */
	struct cc_egress_rule rule;
	char host[CC_HOST_NAME_MAX + 1]; /* the name it was resolved from, or "" */
	int64_t expires_at;              /* 0: never */
};

struct cc_egress_host {
	int64_t id;
	int64_t chat;
	char host[CC_HOST_NAME_MAX + 1];
	struct cc_egress_rule ports; /* proto and ports only */
};

/* A --domain rule: a name pattern (dns/dns_name.h, normalised) the DNS
 * gate answers for the chat, and the ports its addresses are opened for. */
struct cc_egress_domain {
	int64_t id;
	int64_t chat;
	uint32_t uid;
	char pattern[CC_HOST_NAME_MAX + 1];
	bool any_port;               /* every TCP and UDP port but 53 and 853 */
	struct cc_egress_rule ports; /* proto and ports only, when !any_port */
	bool private_ok;             /* answers may point at private addresses (--private) */
};

/* Returns 1 added, 0 the same rule (pattern and ports) was there (its
 * private_ok is updated). */
int cc_egress_add_domain(struct cc_registry *reg, int64_t chat, const struct cc_egress_domain *domain,
			 struct cc_err *err);
/* Returns 0 or 1 (rows removed). */
int cc_egress_remove_domain(struct cc_registry *reg, int64_t chat, const struct cc_egress_domain *domain,
			    struct cc_err *err);
typedef int (*cc_egress_domain_visitor)(const struct cc_egress_domain *domain, void *ctx);
/* Domain rules of one chat (chat > 0) or of every live chat (chat == 0). */
int cc_egress_each_domain(struct cc_registry *reg, int64_t chat, cc_egress_domain_visitor visit, void *ctx,
			  struct cc_err *err);

/* Returns 1 when added, 0 when the same rule was already there. */
int cc_egress_add_rule(struct cc_registry *reg, int64_t chat, const struct cc_egress_rule *rule, int64_t host_id,
		       int64_t expires_at, struct cc_err *err);
/* Returns how many rows were removed (0 or 1). */
int cc_egress_remove_rule(struct cc_registry *reg, int64_t chat, const struct cc_egress_rule *rule,
			  struct cc_err *err);

/* A host rule; *host_id is set (new or existing). Returns 1 added, 0 existed. */
int cc_egress_add_host(struct cc_registry *reg, int64_t chat, const char *host, const struct cc_egress_rule *ports,
		       int64_t *host_id, struct cc_err *err);
/* Remove a host rule and the addresses resolved for it; returns 0 or 1. */
int cc_egress_remove_host(struct cc_registry *reg, int64_t chat, const char *host,
			  const struct cc_egress_rule *ports, struct cc_err *err);
/* Forget the addresses resolved for a host rule (before re-resolving). */
int cc_egress_clear_host_addresses(struct cc_registry *reg, int64_t host_id, struct cc_err *err);

/* Remove every rule of a chat, domain rules included (delete). */
int cc_egress_remove_chat(struct cc_registry *reg, int64_t chat, struct cc_err *err);

/* A visitor returns 0 to go on, or -1 to stop with the err given to the
 * walk filled in (the walk then returns -1). */
typedef int (*cc_egress_visitor)(const struct cc_egress_entry *entry, void *ctx);
typedef int (*cc_egress_host_visitor)(const struct cc_egress_host *host, void *ctx);

/* Rules of one chat (chat > 0) or of every live chat (chat == 0). */
int cc_egress_each(struct cc_registry *reg, int64_t chat, cc_egress_visitor visit, void *ctx, struct cc_err *err);
int cc_egress_each_host(struct cc_registry *reg, int64_t chat, cc_egress_host_visitor visit, void *ctx,
			struct cc_err *err);

#endif
