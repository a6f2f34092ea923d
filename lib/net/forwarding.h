/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The host-wide settings the cells' network needs, in the caller's network
 * namespace: net.ipv4.ip_forward = 1 and net.ipv6.conf.all.forwarding = 1.
 * With IPv6 forwarding on, Linux ignores router advertisements on every
 * interface whose accept_ra is 1, which would leave a host configured by
 * SLAAC without its default route: those interfaces get accept_ra = 2
 * first (the host's own links; lo and the cells' cc* links are left out).
 *
 * Every value chatcell changes is recorded first, as it was, in
 * CC_FORWARDING_SAVED (in the state directory, root-only, "key value" per
 * line), and never recorded again: a second enable keeps what the host had
 * before the first. Restoring writes those values back and removes the
 * file, so an uninstall undoes exactly what chatcell changed. */
#ifndef CHATCELL_FORWARDING_H
#define CHATCELL_FORWARDING_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define CC_FORWARDING_SAVED "host-sysctl.saved"

/* What one call changed, for the administrator. */
#define CC_FORWARDING_CHANGES_MAX 64
struct cc_forwarding_change {
	char key[80]; /* net.ipv6.conf.eth0.accept_ra */
	char before[16];
	char after[16];
	bool gone; /* restoring: the interface no longer exists */
	bool kept; /* restoring: not chatcell's value any more, left as it is */
};
struct cc_forwarding_report {
	struct cc_forwarding_change changes[CC_FORWARDING_CHANGES_MAX];
	unsigned count;
};

/* Turn forwarding on (state_fd: the trusted state directory). */
int cc_forwarding_enable(int state_fd, struct cc_forwarding_report *report, struct cc_err *err);

/* Put back what the saved file records and remove it. Nothing recorded:
 * nothing to do (report->count 0). */
int cc_forwarding_restore(int state_fd, struct cc_forwarding_report *report, struct cc_err *err);

/* The report as one line: "net.ipv4.ip_forward 0 -> 1, ..." or `none`. */
void cc_forwarding_describe(const struct cc_forwarding_report *report, const char *none, char *out, size_t out_len);

#endif
