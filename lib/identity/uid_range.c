/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "identity/uid_range.h"

#include <stddef.h>

struct reserved_range {
	uint32_t first, last;
	const char *owner;
};

/* Ranges systemd reserves above the envelope's floor (docs/UIDS-GIDS.md). */
static const struct reserved_range reserved[] = {
	{524288u, 1879048191u, "systemd-nspawn container UIDs"},
	{2147352576u, 2147418111u, "systemd's foreign UID range"},
};

int cc_uid_range_check_reserved(uint32_t first, uint32_t last, const char *config_path, struct cc_err *err)
{
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (first <= reserved[i].last && last >= reserved[i].first)
			return cc_fail(err, CC_ERR_CONFLICT,
				       "uid_range %u-%u overlaps %u-%u (%s); choose a range outside it in %s", first, last,
				       reserved[i].first, reserved[i].last, reserved[i].owner, config_path);
	return 0;
}
