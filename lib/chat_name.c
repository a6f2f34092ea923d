#include "chat_name.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

int cc_chat_name_derive(const uint8_t key[CC_HOST_KEY_LEN], const char *chat_id, size_t chat_id_len,
			const char *prefix, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	size_t prefix_len = strlen(prefix);

	if (prefix_len > CC_PREFIX_MAX)
		return -1;
	if (!HMAC(EVP_sha256(), key, CC_HOST_KEY_LEN, (const unsigned char *)chat_id, chat_id_len, mac, &mac_len) ||
	    mac_len < CC_NAME_HASH_LEN / 2)
		return -1;
	memcpy(out, prefix, prefix_len);
	for (size_t i = 0; i < CC_NAME_HASH_LEN / 2; i++) {
		out[prefix_len + 2 * i] = hex[mac[i] >> 4];
		out[prefix_len + 2 * i + 1] = hex[mac[i] & 0xF];
	}
	out[prefix_len + CC_NAME_HASH_LEN] = '\0';
	return 0;
}
