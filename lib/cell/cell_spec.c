/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cell/cell_spec.h"

#include <string.h>

#include "base/text_copy.h"
#include "net/cell_addr.h"

void cc_cell_spec_init(struct cc_cell_spec *spec, const struct cc_config *config, uint32_t uid, const char *name,
		       gid_t tty_gid, bool cgroup2)
{
	memset(spec, 0, sizeof(*spec));
	spec->uid = uid;
	cc_copy(spec->name, sizeof(spec->name), name);
	spec->proc_gid = (gid_t)uid; /* a chat's group is its UID */
	spec->tty_gid = tty_gid;
	spec->ptys_max = config->cell_ptys_max;
	spec->idle_stop = config->cell_idle_stop;
	spec->cgroup2 = cgroup2;
	spec->net_config = config;
	spec->net_slots = cc_cell_capacity(config);
	/* Each chat starts where its UID points, so a chat usually gets the
	 * same addresses again and the probe for a free index is short. */
	spec->net_first = spec->net_slots ? (uint64_t)(uid - config->uid_min) % spec->net_slots : 0;
}
