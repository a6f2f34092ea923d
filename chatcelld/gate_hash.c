/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "gate.h"

/* FNV-1a over the key, the chat and the bytes, then MurmurHash3's 64-bit
 * finaliser, so every bit of the key reaches every bit of the slot. */
uint32_t gate_hash(const struct gate *g, uint32_t uid, const char *name, const uint8_t *tail, size_t tail_len)
{
	uint64_t h = 14695981039346656037ull ^ g->hash_key;

	for (unsigned i = 0; i < 4; i++)
		h = (h ^ (uint8_t)(uid >> (8 * i))) * 1099511628211ull;
	for (const char *c = name; *c; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	for (size_t i = 0; i < tail_len; i++)
		h = (h ^ tail[i]) * 1099511628211ull;
	h ^= g->hash_key >> 1;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}
