/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Each chat's own /tmp, /var/tmp and /dev/shm: directories that
 * pam_chatcell binds over the real ones in every session of that chat, so
 * a tmux server started in one session is reachable from the next session
 * of the same chat and never from another chat.
 *
 *   <state dir>/instances            root 0700: no chat can traverse it
 *   <state dir>/instances/<name>     root 0700
 *   .../<name>/{tmp,var-tmp,shm}     root 1777, like the real ones
 *
 * Every step is an openat(O_NOFOLLOW) from the trusted state directory. */
#ifndef CHATCELL_TMP_INSTANCES_H
#define CHATCELL_TMP_INSTANCES_H

#include <stdbool.h>

#include "config/conf.h"
#include "base/error.h"

#define CC_INSTANCES_DIR "instances"

enum cc_instance_kind { CC_INSTANCE_TMP, CC_INSTANCE_VAR_TMP, CC_INSTANCE_SHM, CC_INSTANCE_COUNT };

struct cc_instances {
	int fd[CC_INSTANCE_COUNT]; /* O_PATH descriptors of the instance directories */
	/* What this call created, so a failed session can take it back. */
	bool created_root;
	bool created_chat;
	bool created[CC_INSTANCE_COUNT];
	int chat_fd;  /* instances/<name> */
	int root_fd;  /* instances */
	int state_fd; /* borrowed from the caller */
	char name[CC_NAME_MAX + 1];
};

/* The directory an instance replaces: "/tmp", "/var/tmp", "/dev/shm". */
const char *cc_instance_target(enum cc_instance_kind kind);

/* Open (creating what is missing) the chat's instances. */
int cc_instances_open(int state_fd, const char *name, struct cc_instances *inst, struct cc_err *err);

/* Close the descriptors; with undo, also remove what this open created. */
void cc_instances_close(struct cc_instances *inst, bool undo);

/* Remove a chat's instances and everything in them (delete). */
int cc_instances_remove(int state_fd, const char *name, struct cc_err *err);

#endif
