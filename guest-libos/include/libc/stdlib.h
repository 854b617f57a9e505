/* SPDX-License-Identifier: BSD-2-Clause */
/* The stdlib subset of the library OS. */
#ifndef LIBOS_STDLIB_H
#define LIBOS_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);
unsigned long strtoul(const char *s, char **end, int base);

#endif
