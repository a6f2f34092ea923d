/* Limits as people write and read them: "512M", "300", "50%", "max",
 * "default". */
#ifndef CHATCELL_LIMITS_TEXT_H
#define CHATCELL_LIMITS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "chats.h"
#include "conf.h"
#include "error.h"

enum limit_kind { LIMIT_MEMORY, LIMIT_PIDS, LIMIT_CPU };

/* Parse into a registry value: -1 default, 0 no limit, else the value. */
int limit_parse(enum limit_kind kind, const char *text, int64_t *value, struct cc_err *err);

/* "256M", "200", "25%", or "max" for CC_LIMIT_UNLIMITED. */
void limit_format(enum limit_kind kind, uint64_t value, char *out, size_t out_len);

/* A chat's effective limits, each as text. */
struct limits_text {
	char memory[32], pids[32], cpu[32];
};
void limits_describe(const struct cc_config *config, const struct cc_chat *chat, struct limits_text *text);

#endif
