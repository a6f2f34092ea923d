/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "identity/chat_name.h"

#include <nettle/hmac.h>
#include <string.h>

int cc_chat_name_derive(const uint8_t key[CC_HOST_KEY_LEN], const char *chat_id, size_t chat_id_len,
			const char *prefix, char *out)
{
	static const char hex[] = "0123456789abcdef";
	struct hmac_sha256_ctx ctx;
	uint8_t mac[SHA256_DIGEST_SIZE];
	size_t prefix_len = strlen(prefix);

	if (prefix_len > CC_PREFIX_MAX)
		return -1;
	hmac_sha256_set_key(&ctx, CC_HOST_KEY_LEN, key);
	hmac_sha256_update(&ctx, chat_id_len, (const uint8_t *)chat_id);
	hmac_sha256_digest(&ctx, sizeof(mac), mac);
	memcpy(out, prefix, prefix_len);
	for (size_t i = 0; i < CC_NAME_HASH_LEN / 2; i++) {
		out[prefix_len + 2 * i] = hex[mac[i] >> 4];
		out[prefix_len + 2 * i + 1] = hex[mac[i] & 0xF];
	}
	out[prefix_len + CC_NAME_HASH_LEN] = '\0';
	return 0;
}
