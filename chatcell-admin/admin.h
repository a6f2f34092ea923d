/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every chatcell-admin command shares: the parsed command line, the
 * configuration, and the trusted descriptors and registry it works on. */
#ifndef CHATCELL_ADMIN_H
#define CHATCELL_ADMIN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "identity/chat_id.h"
#include "identity/chat_name.h"
#include "db/chats.h"
#include "config/conf.h"
#include "base/error.h"
#include "db/registry.h"

/* Exit codes (chatcell-admin(8), EXIT STATUS). */
enum admin_exit {
	EXIT_OK = 0,
	EXIT_SYSTEM = 1,
	EXIT_USAGE = 2,
	EXIT_INVALID = 3,
	EXIT_NOT_FOUND = 4,
	EXIT_CONFLICT = 5,
	EXIT_CONFIG = 6,
	EXIT_PERMISSION = 7,
};

struct admin_options {
	const char *config_path;
	bool json;
	bool from_stdin;
	const char *user;       /* --user NAME instead of a chat ID */
	const char *archive;    /* delete --archive DIR */
	const char *state;      /* list --state */
	const char *port;       /* egress --port */
	const char *proto;      /* egress --proto */
	const char *host;       /* egress --host */
	const char *domain;     /* egress --domain */
	bool private_ok;        /* egress --private */
	const char *memory;     /* limits --memory */
	const char *pids;       /* limits --pids */
	const char *cpu;        /* limits --cpu */
	const char *disk;       /* limits --disk */
	const char *inodes;     /* limits --inodes */
	const char *io_weight;  /* limits --io-weight */
	const char *io_max;     /* limits --io-max */
	bool force;             /* backup, restore --force */
	bool all;               /* list --all */
	bool start;             /* ensure --start */
	int argc;               /* operands after the command */
	char **argv;
};

/* A chat whose unfinished step this run could not finish (recovery.h). */
#define ADMIN_STUCK_MAX 8
struct admin_stuck {
	int64_t chat;
	bool told; /* reported, as a warning or as the command's error */
	struct cc_err err;
};

struct admin {
	struct admin_options opt;
	struct cc_config config;
	struct cc_err err;
	int64_t now;
	char actor[128];
	int state_fd;     /* CHATCELL_STATE_DIR, trusted */
	int view_fd;      /* the NSS view directory */
	bool view_made;   /* it was missing and is made anew, empty */
	int home_base_fd; /* the home base, trusted */
	int lock_fd;      /* per-chat work locks */
	struct cc_registry reg;
	uint8_t host_key[CC_HOST_KEY_LEN];
	enum cc_cgroup_backend backend; /* CC_CGROUP_AUTO until resolved */
	struct admin_stuck stuck[ADMIN_STUCK_MAX];
	unsigned stuck_count; /* all of them, also those past ADMIN_STUCK_MAX */
	bool stuck_more_told;
};

/* The cgroup backend, resolved on first use (fails where limits cannot be
 * applied and are not configured off). */
int admin_backend(struct admin *a, enum cc_cgroup_backend *backend);

/* Make the NSS view's changes durable, then have the host's nscd, if one
 * runs, forget the users and groups it keeps (a warning if it does not). */
int admin_view_sync(struct admin *a);

/* End the write transaction in which cells' egress tables were rebuilt
 * (held so that no allowlist change commits meanwhile): it holds only the
 * rebuild's note to the DNS gate (db/settings.h), which is committed. */
void admin_end_rebuild(struct admin *a);

/* What a command needs to find in place. */
enum admin_mode {
	ADMIN_USE,     /* an initialised host */
	ADMIN_STOP,    /* suspend, delete: as USE, and may use the disk reserve */
	ADMIN_INIT,    /* init: make what is missing */
	ADMIN_REPAIR,  /* repair: reports what it makes, so no warnings about it */
	ADMIN_RESTORE, /* restore: the state directory only, the rest once restored */
	ADMIN_HOST,    /* uninstall-host: the state directory if there is one, nothing else */
};

/* Load the configuration and open everything a command needs. */
int admin_open(struct admin *a, enum admin_mode mode);
/* The second half of admin_open (registry, host key, locks, NSS view,
 * homes, recovery), for restore once the backup is in place. */
int admin_open_host(struct admin *a, enum admin_mode mode);
void admin_close(struct admin *a);

/* The chat a command is about: a chat ID operand, --stdin, or --user.
 * Returns 1 found, 0 not found (err set), -1 error. */
struct chat_target {
	char chat_id[CC_CHAT_ID_MAX + 2];
	size_t chat_id_len;
	const char *user;
};
int admin_read_target(struct admin *a, struct chat_target *target, bool allow_user);
/* The chat ID rule, with the documented message. */
int admin_check_chat_id(struct admin *a, const struct chat_target *target);
/* Take the chat ID from `text` and check it. */
int admin_read_target_text(struct admin *a, struct chat_target *target, const char *text);
int admin_find_target(struct admin *a, const struct chat_target *target, struct cc_chat *chat);
/* The DIR operand of backup and restore: one simple absolute path, not "/". */
int admin_read_dir(struct admin *a, const char **dir);
/* Start changing the target chat: find it, take its work lock, finish a
 * step another run left unless the change replaces it, begin a write
 * transaction and read it again inside. On 0 the caller commits or rolls
 * back, then calls cc_chat_unlock(a->lock_fd, chat->uid); on -1 nothing is
 * held. */
int admin_begin_chat_change(struct admin *a, const struct chat_target *target, struct cc_chat *chat,
			    bool replaces_step);

/* Map the error kind of a failure to the documented exit code (never 0). */
int admin_exit_code(enum cc_err_kind kind);

#endif
