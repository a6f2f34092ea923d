/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <nettle/cmac.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "gate.h"

/* AES-CMAC (RFC 4493, Nettle's) under a key drawn at the gate's start: a
 * pseudo-random function, so where a name lands says nothing about where
 * any other name lands, and no collision a chat finds among its own names
 * teaches it anything about the key. */
int gate_hash_open(struct gate *g, struct cc_err *err)
{
	uint8_t key[AES128_KEY_SIZE];

	g->hash = malloc(sizeof(*g->hash));
	if (!g->hash)
		return cc_fail_errno(err, CC_ERR_SYSTEM, ENOMEM, "the DNS gate's hash");
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		int saved = errno;

		gate_hash_close(g);
		return cc_fail_errno(err, CC_ERR_SYSTEM, saved, "cannot draw the DNS gate's hash key (getrandom)");
	}
	cmac_aes128_set_key(g->hash, key);
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
	uint8_t tag[4];

	/* The name's length follows from the whole, as each caller's tail has
	 * a fixed length. The digest leaves the context ready for the next. */
	cmac_aes128_update(g->hash, sizeof(chat), chat);
	cmac_aes128_update(g->hash, strlen(name), (const uint8_t *)name);
	cmac_aes128_update(g->hash, tail_len, tail);
	cmac_aes128_digest(g->hash, sizeof(tag), tag);
	return (uint32_t)tag[0] << 24 | (uint32_t)tag[1] << 16 | (uint32_t)tag[2] << 8 | tag[3];
}
