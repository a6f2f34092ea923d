/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Putting the chat's instance directories over /tmp, /var/tmp and
 * /dev/shm in the cell's mount namespace: a clone of each instance
 * (from its descriptor) is moved onto the target (opened O_NOFOLLOW), with
 * nosuid and nodev. No path is resolved twice. */
#ifndef CHATCELL_BIND_INSTANCES_H
#define CHATCELL_BIND_INSTANCES_H

#include "base/error.h"
#include "fs/tmp_instances.h"

int cc_bind_instances(const struct cc_instances *inst, struct cc_err *err);

#endif
