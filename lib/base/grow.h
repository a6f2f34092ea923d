/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Arrays that grow by doubling, for the lists the planes collect (kernel
 * elements, host rules, directory levels, pending chats). */
#ifndef CHATCELL_GROW_H
#define CHATCELL_GROW_H

#include <stddef.h>

/* Room for element number `count` in `items` (*capacity elements of `size`
 * bytes; the first allocation holds `first`): the array, moved or not, or
 * NULL when memory runs out, with `items` and *capacity untouched. */
void *cc_grow(void *items, size_t *capacity, size_t count, size_t size, size_t first);

#endif
