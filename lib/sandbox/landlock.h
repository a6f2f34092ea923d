/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Landlock for a chat session: a deny-by-default ruleset (the kernel's
 * UAPI, no library) that lets the session read and run the system's
 * programs and the configuration a shell needs, and write only its home,
 * its cell's /tmp, /var/tmp, /dev/shm, /run/lock, /dev/mqueue and ptys
 * (landlock_paths.c; chatcell.conf adds more). With ABI 6 it
 * also keeps abstract unix sockets to the login's own domain, with ABI 4
 * it limits TCP bind when landlock_bind_ports says so. */
#ifndef CHATCELL_LANDLOCK_H
#define CHATCELL_LANDLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/sizes.h"
#include "config/conf.h"

/* The newest ABI this code knows what to do with. */
#define CC_LANDLOCK_ABI_KNOWN 7

/* The ABI the running kernel offers: 1 or more, or 0 when it has none,
 * with *why saying so (not built in, or not enabled at boot). */
int cc_landlock_abi(const char **why);

/* What a ruleset restricts on this ABI, for init and show:
 * "files (ABI 7), TCP bind, abstract unix sockets". */
void cc_landlock_describe(int abi, const struct cc_config *config, char *out, size_t out_len);

/* What a login on this host gets, decided once for init, show and the
 * session alike. */
struct cc_landlock_state {
	int abi;         /* the kernel's ABI, 0 without Landlock (or with landlock = off) */
	const char *why; /* why Landlock is not (fully) used, or NULL */
	bool in_force;   /* logins run under a ruleset */
	bool refused;    /* logins are refused (landlock = required and the kernel falls short) */
};

void cc_landlock_assess(const struct cc_config *config, struct cc_landlock_state *st);

/* The session's ruleset for the chat whose home is `home`, made but not
 * enforced: 1 (*ruleset is its descriptor), 0 not made because the
 * configuration says off or best-effort on a kernel without (enough)
 * Landlock (*skipped says why), -1 refused (err). Paths resolve in the
 * caller's mount namespace: call it inside the cell. `mqueue` is a mount
 * of the caller's IPC namespace's mqueue instance (the cell's, as its
 * keeper mounted it), or -1: one is made for the ruleset and closed. */
int cc_landlock_prepare(const struct cc_config *config, const char *home, int mqueue, int *ruleset,
			const char **skipped, struct cc_err *err);

/* Restrict the calling process (and all it starts) for good. */
int cc_landlock_enforce(int ruleset, struct cc_err *err);

/* Both: 1 done, 0 skipped (*skipped), -1 refused (err). */
int cc_landlock_restrict(const struct cc_config *config, const char *home, const char **skipped, struct cc_err *err);

/* A cell keeps the ruleset for its logins (cc_cell_spec.keep): made once
 * by its keeper's setup, fetched by each login with pidfd_getfd() and
 * enforced, two system calls where building it takes a few hundred. The
 * key names what it was made from; a login whose configuration gives
 * another key builds its own. */
#define CC_LANDLOCK_KEY_LEN 16
struct cc_landlock_keep {
	const struct cc_config *config;
	char home[CC_PATH_MAX + 1 + CC_NAME_MAX + 1]; /* <home_base>/<name> */
	char key[CC_LANDLOCK_KEY_LEN + 1];             /* 16 hex digits naming the ruleset */
};

/* The ruleset of chat `name` under `config`: its home and its key. */
void cc_landlock_keep_init(struct cc_landlock_keep *keep, const struct cc_config *config, const char *name);

/* For the keeper's setup: the ruleset of `ctx` (a struct cc_landlock_keep),
 * or -1; `mqueue` as for cc_landlock_prepare. */
int cc_landlock_keep(void *ctx, int mqueue);

/* The access rights a ruleset handles on `abi` (exposed for unit tests). */
uint64_t cc_landlock_fs_rights(int abi);

#endif
