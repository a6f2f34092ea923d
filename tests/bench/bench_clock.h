/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every benchmark tool measures with: a monotonic clock and medians. */
#ifndef CHATCELL_BENCH_CLOCK_H
#define CHATCELL_BENCH_CLOCK_H

#include <stddef.h>

/* Microseconds on CLOCK_MONOTONIC. */
double bench_now_us(void);

/* The median of v[0..n) (n >= 1); sorts v. */
double bench_median(double *v, size_t n);

#endif
