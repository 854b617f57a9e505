/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The unikernel's symbol table, for crash reports: which function a RIP is
 * in. The build command (exo-cc) links the image twice and the second time
 * adds a table of the first link's text symbols; an image linked without
 * one has none, and reports give bare addresses. The table sits after the
 * code, so adding it moves no function.
 */
#ifndef LIBOS_KERNEL_SYMBOLS_H
#define LIBOS_KERNEL_SYMBOLS_H

#include <stdint.h>

struct libos_symbol {
    uint64_t address; /* the symbol's first byte */
    uint32_t size;    /* bytes, 0 if unknown (then it ends at the next one) */
    uint32_t name;    /* offset of its NUL-terminated name in libos_symbol_names */
};

/* Sorted by address, text (code) symbols only; weak: absent without a table. */
extern const struct libos_symbol libos_symbols[] __attribute__((weak));
extern const uint64_t libos_symbols_count __attribute__((weak));
extern const char libos_symbol_names[] __attribute__((weak));

#endif
