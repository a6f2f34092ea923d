/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fixed sizes every plane agrees on: names, paths and the envelope
 * chat UIDs must stay in, whatever chatcell.conf says. */
#ifndef CHATCELL_SIZES_H
#define CHATCELL_SIZES_H

#define CC_PREFIX_MAX 20    /* user names stay within 32 bytes */
#define CC_NAME_HASH_LEN 12 /* hex digits after the prefix */
#define CC_NAME_MAX (CC_PREFIX_MAX + CC_NAME_HASH_LEN)
#define CC_PATH_MAX 200     /* home base, shell, shims: short, simple paths */

/* Chat UIDs must stay inside this envelope whatever the configuration: it
 * excludes every system, regular, nobody and systemd-homed/DynamicUser UID
 * (all below 65536) and the negative-looking UIDs from 2^31 on. */
#define CC_UID_ENVELOPE_MIN 65536u
#define CC_UID_ENVELOPE_MAX 2147483647u

#endif
