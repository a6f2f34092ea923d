/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Is the DNS gate (chatcelld) answering? `show` says so, since a chat's
 * lookups fail while it is not. */
#ifndef CHATCELL_ADMIN_GATE_PROBE_H
#define CHATCELL_ADMIN_GATE_PROBE_H

#include <stdbool.h>
#include <stdint.h>

/* One question from the host to 127.0.0.1:port (the gate answers REFUSED
 * to anyone not in a cell): true when an answer comes within 300 ms. */
bool gate_answers(uint16_t port);

#endif
