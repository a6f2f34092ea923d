/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The headers cmocka needs before <cmocka.h>. */
#ifndef CHATCELL_TEST_CMOCKA_ALL_H
#define CHATCELL_TEST_CMOCKA_ALL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#endif
