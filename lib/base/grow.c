/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "base/grow.h"

#include <stdint.h>
#include <stdlib.h>

void *cc_grow(void *items, size_t *capacity, size_t count, size_t size, size_t first)
{
	void *grown;
	size_t cap;

	if (count < *capacity)
		return items;
	cap = *capacity ? *capacity * 2 : first;
	if (cap <= count || cap > SIZE_MAX / size)
		return NULL;
	grown = realloc(items, cap * size);
	if (grown)
		*capacity = cap;
	return grown;
}
