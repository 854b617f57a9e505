/* SPDX-License-Identifier: GPL-2.0-only */
/* The one stdlib function libfdt needs; see hv/common/string.c. */
#ifndef HV_LIBC_STDLIB_H
#define HV_LIBC_STDLIB_H

unsigned long strtoul(const char *s, char **end, int base);

#endif
