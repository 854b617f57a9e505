/* SPDX-License-Identifier: GPL-2.0-only */
#include <math.h>

#include "stats.h"

double vector_length(const double *values, int n)
{
    double sum = 0;

    for (int i = 0; i < n; i++)
        sum += values[i] * values[i];
    return sqrt(sum);
}
