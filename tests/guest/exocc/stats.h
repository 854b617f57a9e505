/* SPDX-License-Identifier: GPL-2.0-only */
/* The exocc test program's two libraries: one in a .c file of its own, one in an archive. */
#ifndef EXOCC_STATS_H
#define EXOCC_STATS_H

/* stats.c: the length of the vector of n values (sqrt, from -lm). */
double vector_length(const double *values, int n);

/* shapes.c, linked from libshapes.a: the area of a regular polygon. */
double polygon_area(int sides, double radius);

/* work.c: threads summing count heap values in slices (returns the count
 * the joins report, or -1 if the sum is wrong), a relay of runners through
 * a condition variable (returns runners + 1), and a sleep of ms
 * milliseconds as the monotonic clock saw it. */
#include <stddef.h>
#include <stdint.h>
long threaded_sum(unsigned int threads, size_t count, uint64_t *sum);
int relay_race(int runners);
long slept_ms(long ms);

#endif
