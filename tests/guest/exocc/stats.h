/* SPDX-License-Identifier: GPL-2.0-only */
/* The exocc test program's two libraries: one in a .c file of its own, one in an archive. */
#ifndef EXOCC_STATS_H
#define EXOCC_STATS_H

/* stats.c: the length of the vector of n values (sqrt, from -lm). */
double vector_length(const double *values, int n);

/* shapes.c, linked from libshapes.a: the area of a regular polygon. */
double polygon_area(int sides, double radius);

#endif
