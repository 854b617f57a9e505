/* SPDX-License-Identifier: GPL-2.0-only */
#include <math.h>

#include "stats.h"

double polygon_area(int sides, double radius)
{
    return sides * radius * radius * sin(2 * M_PI / sides) / 2;
}
