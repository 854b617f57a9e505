/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Common glue for the host unit tests: the cmocka headers in the order they
 * need, and RUN_TESTS(), which refuses an empty test list at compile time
 * and turns any number of failures into exit status 1 (a raw failure count
 * of 256 would wrap to success).
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define RUN_TESTS(tests)                                                                           \
    ({                                                                                             \
        _Static_assert(sizeof(tests) / sizeof((tests)[0]) > 0, "no tests in " #tests);             \
        cmocka_run_group_tests(tests, NULL, NULL) == 0 ? 0 : 1;                                    \
    })

#endif
