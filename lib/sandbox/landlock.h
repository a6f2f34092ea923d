/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Landlock for a chat session: a deny-by-default ruleset (the kernel's
 * UAPI, no library) that lets the session read and run the system's
 * programs and the configuration a shell needs, and write only its home,
 * its cell's /tmp, /var/tmp, /dev/shm, /run/lock, /dev/mqueue and its
 * terminal (landlock_paths.c; chatcell.conf adds more). With ABI 6 it
 * also keeps abstract unix sockets to the login's own domain, with ABI 4
 * it limits TCP bind when landlock_bind_ports says so. */
#ifndef CHATCELL_LANDLOCK_H
#define CHATCELL_LANDLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
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

/* What the session may reach beyond the defaults. */
struct cc_landlock_grants {
	const char *home; /* read, write and run */
	int tty_fd;       /* an O_PATH descriptor of the login's terminal, or -1 */
};

/* Restrict the calling process (and all it starts) for good. 1 done,
 * 0 not done because the configuration says off or best-effort on a
 * kernel without Landlock (*skipped says why), -1 refused (err). */
int cc_landlock_restrict(const struct cc_config *config, const struct cc_landlock_grants *grants,
			 const char **skipped, struct cc_err *err);

/* The access rights a ruleset handles on `abi` (exposed for unit tests). */
uint64_t cc_landlock_fs_rights(int abi);

#endif
