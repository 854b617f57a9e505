/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An image too big for a small domain: 16 MiB of zero-initialised data,
 * which the builder must refuse for an 8 MiB domain before creating it.
 * It is never run.
 */
#include <stdio.h>

/* volatile, indexed by argc: the compiler must keep all of it. */
static volatile char pool[16 << 20];

int main(int argc, char **argv)
{
    pool[sizeof(pool) - (unsigned int)argc] = 1;
    printf("big: %d\n", pool[sizeof(pool) - 1]);
    return 0;
}
