#include "limits_text.h"

#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "parse_number.h"

int limit_parse(enum limit_kind kind, const char *text, int64_t *value, struct cc_err *err)
{
	static const char *const names[] = {"--memory", "--pids", "--cpu"};
	static const char *const expected[] = {"a size of at least 4M such as 512M or 2G",
					       "a number of processes from 1 to 4194304",
					       "a percentage of one CPU such as 50% or 200%"};
	uint64_t v;
	int rc = -1;

	if (strcmp(text, "default") == 0) {
		*value = -1;
		return 0;
	}
	if (strcmp(text, "max") == 0) {
		*value = 0;
		return 0;
	}
	if (kind == LIMIT_MEMORY) {
		rc = cc_parse_size(text, 4ull << 20, 1ull << 50, &v);
	} else if (kind == LIMIT_PIDS) {
		rc = cc_parse_u64(text, 1, 4194304, &v);
	} else {
		size_t len = strlen(text);
		char digits[16];

		if (len >= 2 && len < sizeof(digits) && text[len - 1] == '%') {
			memcpy(digits, text, len - 1);
			digits[len - 1] = '\0';
			rc = cc_parse_u64(digits, 1, 100000, &v);
		}
	}
	if (rc < 0)
		return cc_fail(err, CC_ERR_INVALID, "%s takes %s, 'max' or 'default', not '%s'", names[kind], expected[kind],
			       text);
	*value = (int64_t)v;
	return 0;
}

void limit_format(enum limit_kind kind, uint64_t value, char *out, size_t out_len)
{
	if (value == CC_LIMIT_UNLIMITED)
		snprintf(out, out_len, "max");
	else if (kind == LIMIT_MEMORY && value % (1ull << 30) == 0)
		snprintf(out, out_len, "%lluG", (unsigned long long)(value >> 30));
	else if (kind == LIMIT_MEMORY && value % (1ull << 20) == 0)
		snprintf(out, out_len, "%lluM", (unsigned long long)(value >> 20));
	else if (kind == LIMIT_CPU)
		snprintf(out, out_len, "%llu%%", (unsigned long long)value);
	else
		snprintf(out, out_len, "%llu", (unsigned long long)value);
}

void limits_describe(const struct cc_config *config, const struct cc_chat *chat, struct limits_text *text)
{
	struct cc_limits l;

	cc_limits_effective(config, chat->memory_max, chat->pids_max, chat->cpu_max_percent, &l);
	limit_format(LIMIT_MEMORY, l.memory_max, text->memory, sizeof(text->memory));
	limit_format(LIMIT_PIDS, l.pids_max, text->pids, sizeof(text->pids));
	limit_format(LIMIT_CPU, l.cpu_max_percent, text->cpu, sizeof(text->cpu));
}
