/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cell's own /etc/resolv.conf. The host's may name resolvers on the
 * host's loopback (systemd-resolved's 127.0.0.53), which a cell cannot
 * reach, and a cell must not reach any resolver but the DNS gate anyway
 * (chatcelld): the cell's file names only its gateway, 169.254.1.1, whose
 * port 53 the host's table sends to the gate. */
#ifndef CHATCELL_CELL_RESOLV_H
#define CHATCELL_CELL_RESOLV_H

#include <stddef.h>

#include "base/error.h"
#include "config/conf.h"

/* The file's text for this configuration (always fits 1 KiB). */
void cc_cell_resolv_text(const struct cc_config *config, char *out, size_t size);

/* Inside the cell's mount namespace: a read-only file with that text over
 * /etc/resolv.conf (over the file it links to, if it is a link). Nothing
 * when the host has no /etc/resolv.conf. */
int cc_cell_mount_resolv_conf(const struct cc_config *config, struct cc_err *err);

/* Inside a running cell's mount namespace, as a login joins it: the same
 * file again if /etc/resolv.conf is no longer the shared one. A host tool
 * that replaces /etc/resolv.conf (dhclient at each lease renewal,
 * NetworkManager, resolvconf, systemd-resolved: a new file renamed over
 * the old) takes the mounts on the old file away in every namespace, so
 * the cell would read the host's file, which its Landlock rules refuse:
 * no DNS in the cell until this. 0, or -1. */
int cc_cell_restore_resolv_conf(const struct cc_config *config, struct cc_err *err);

#endif
