/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A cell's open connections, forgotten by the kernel's connection
 * tracking, so that none outlives a rule taken away. The egress table
 * lets a packet of a known connection pass before it looks at the
 * allowlist; after `egress deny` (or the addresses a rule learned were
 * forgotten), every flow must be admitted again by the rules as they are
 * now. A flow still allowed is picked up again at its next packet, as a
 * new one; a flow no longer allowed is refused there. */
#ifndef CHATCELL_CONNTRACK_FLUSH_H
#define CHATCELL_CONNTRACK_FLUSH_H

#include "base/error.h"

/* The mark the cell's table gives a question's flow to the DNS gate
 * (egress_nft.c), which a flush keeps: the gate is always allowed, and a
 * question whose entry went would have its answer dropped as new by the
 * cell's input chain (the gate cuts while it answers). */
#define CC_CT_MARK_GATE 0x1u

/* Every conntrack entry of the network namespace `netns` (-1: the
 * caller's own), IPv4 and IPv6, but those marked CC_CT_MARK_GATE: 0, or
 * -1 with err saying why. */
int cc_conntrack_flush(int netns, struct cc_err *err);

#endif
