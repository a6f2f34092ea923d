/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tell systemd the service is ready (Type=notify): one datagram to
 * $NOTIFY_SOCKET, the protocol sd_notify(3) documents as stable and open to
 * other implementations. Nothing happens outside systemd. */
#ifndef CHATCELLD_SD_NOTIFY_H
#define CHATCELLD_SD_NOTIFY_H

/* `state` such as "READY=1" or "STOPPING=1"; 1 sent, 0 not under
 * systemd, -1 could not be sent. */
int notify_systemd(const char *state);

#endif
