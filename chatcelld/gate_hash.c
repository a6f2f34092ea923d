/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <nettle/umac.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "gate.h"

/* UMAC-64 (RFC 4418, Nettle's) under a key drawn at the gate's start:
 * a keyed universal hash, so which names share a slot depends on a key no
 * chat sees. One fixed nonce: the same question must land in the same
 * slot every time, and no tag is ever shown to anyone. */
static const uint8_t hash_nonce[8];

int gate_hash_open(struct gate *g, struct cc_err *err)
{
	uint8_t key[UMAC_KEY_SIZE];

	g->hash = malloc(sizeof(*g->hash));
	if (!g->hash)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "the DNS gate's hash");
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		int saved = errno;

		gate_hash_close(g);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot draw the DNS gate's hash key (getrandom)");
	}
	umac64_set_key(g->hash, key);
	explicit_bzero(key, sizeof(key));
	return 0;
}

void gate_hash_close(struct gate *g)
{
	if (!g->hash)
		return;
	explicit_bzero(g->hash, sizeof(*g->hash));
	free(g->hash);
	g->hash = NULL;
}

uint32_t gate_hash(const struct gate *g, uint32_t uid, const char *name, const uint8_t *tail, size_t tail_len)
{
	const uint8_t chat[4] = {(uint8_t)(uid >> 24), (uint8_t)(uid >> 16), (uint8_t)(uid >> 8), (uint8_t)uid};
	uint8_t tag[8];

	/* The name's length follows from the whole, as each caller's tail has
	 * a fixed length. */
	umac64_set_nonce(g->hash, sizeof(hash_nonce), hash_nonce);
	umac64_update(g->hash, sizeof(chat), chat);
	umac64_update(g->hash, strlen(name), (const uint8_t *)name);
	umac64_update(g->hash, tail_len, tail);
	umac64_digest(g->hash, sizeof(tag), tag);
	return (uint32_t)tag[0] << 24 | (uint32_t)tag[1] << 16 | (uint32_t)tag[2] << 8 | tag[3];
}
