/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A real registry in a fresh temporary directory, for the db unit tests. */
#ifndef CHATCELL_TEST_REGISTRY_FIXTURE_H
#define CHATCELL_TEST_REGISTRY_FIXTURE_H

#include "db/chats.h"
#include "db/registry.h"

struct registry_fixture {
	char dir[64];
	int dir_fd;
	struct cc_registry reg;
};

/* Create the directory and an initialised registry (as root only: the
 * registry must be root's). Returns 0 or -1. */
int registry_fixture_setup(struct registry_fixture *f);
void registry_fixture_teardown(struct registry_fixture *f);

/* A chat row with defaults, for inserting. */
void registry_fixture_chat(struct cc_chat *chat, const char *chat_id, const char *name, uint32_t uid);

#endif
