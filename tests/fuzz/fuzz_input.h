/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the libFuzzer harnesses (make fuzz): the input as a C string,
 * and a check that stops the run with a message (libFuzzer saves the
 * input that broke it). */
#ifndef CHATCELL_FUZZ_INPUT_H
#define CHATCELL_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input up to its first NUL byte, NUL-terminated (free it). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

#define FUZZ_CHECK(cond)                                                                                       \
	do {                                                                                                   \
		if (!(cond)) {                                                                                 \
			fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #cond);    \
			abort();                                                                               \
		}                                                                                              \
	} while (0)

#endif
