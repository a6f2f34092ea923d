/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cell's own /etc/resolv.conf: the host's names resolvers on the
 * host's loopback (systemd-resolved's 127.0.0.53), which a cell cannot
 * reach, since its loopback is its own. The cell gets a file naming
 * `dns_servers`, each one as the cell reaches it: an address on the
 * host's loopback becomes the cell's gateway, 169.254.1.1, which the
 * host's part forwards to it. */
#ifndef CHATCELL_CELL_RESOLV_H
#define CHATCELL_CELL_RESOLV_H

#include <stddef.h>

#include "base/error.h"
#include "config/conf.h"

/* The file's text for this configuration (always fits 1 KiB). */
void cc_cell_resolv_text(const struct cc_config *config, char *out, size_t size);

/* Inside the cell's mount namespace: a read-only file with that text over
 * /etc/resolv.conf (over the file it links to, if it is a link). Nothing
 * when dns_servers is empty or the host has no /etc/resolv.conf. */
int cc_cell_mount_resolv_conf(const struct cc_config *config, struct cc_err *err);

#endif
