/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cell's mount namespace, built once by the keeper from inside the
 * cell (PID 1 of its PID namespace, already in its own mount, IPC, UTS and
 * cgroup namespaces), so every instance below belongs to the cell:
 *
 *   /                 a recursive slave: nothing propagates to the host
 *   /tmp /var/tmp /dev/shm   the chat's instance directories (bind_instances.h)
 *   /proc             procfs of the cell's PID namespace, hidepid=invisible
 *   /dev/pts          a devpts instance of its own (max= ptys_max),
 *   /dev/ptmx           and its ptmx (when /dev/ptmx is a device node)
 *   /dev/mqueue       the cell's POSIX message queues (if the host has the directory)
 *   /run/lock         a small tmpfs of its own
 *   /run/utmp /var/log/{wtmp,btmp,lastlog}   files of the cell's own (root's,
 *                     0644, empty at start): login bookkeeping of the cell's
 *                     sessions still works, nothing of the host's shows
 *   /proc/key-users   an empty read-only file
 *   /sys/fs/cgroup    cgroup2 of the cell's cgroup namespace (the chat's
 *                     own cgroup) with cgroup v2 and limits on; else an empty
 *                     read-only tmpfs
 *   /var/run/nscd /run/dbus /run/avahi-daemon   empty read-only tmpfs where
 *                     the host has them, and /dev/null over resolved's
 *                     socket (cc_cell_hide_host_services)
 *
 * Every target is opened O_PATH|O_NOFOLLOW and mounted with move_mount()
 * on that descriptor: no path a chat could change is followed. */
#ifndef CHATCELL_CELL_MOUNTS_H
#define CHATCELL_CELL_MOUNTS_H

#include <stdbool.h>

#include "base/error.h"
#include "cell/cell_spec.h"
#include "config/conf.h"

/* *mqueue: the cell's /dev/mqueue mount, left open for the Landlock
 * ruleset to name (landlock.h), or -1 where the host has no /dev/mqueue. */
int cc_cell_build_mounts(const struct cc_cell_spec *spec, int *mqueue, struct cc_err *err);

/* Inside a running cell's mount namespace, as a login joins it: what the
 * host took away since by replacing a file the cell's mount was on (its
 * resolv.conf, a login record rotated by logrotate) or by starting a
 * service, put back in place. 0, or -1. */
int cc_cell_restore_mounts(const struct cc_config *config, struct cc_err *err);

/* The host's services whose sockets let anyone connect, out of the
 * cell's sight: nscd (a chat's name lookups would be answered by the
 * host's resolvers, never asking the DNS gate), the D-Bus system bus
 * (every user's logins; names resolved past the gate), avahi (mDNS) and
 * systemd-resolved's varlink socket. With `always`, wherever the host has
 * them (the cell's start); else only those whose socket shows in the cell
 * (a login joining a running cell: a service started, or its socket or
 * directory made anew, since). 0, or -1. */
int cc_cell_hide_host_services(bool always, struct cc_err *err);

#endif
