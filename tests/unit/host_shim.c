/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What hv/include/hv/lib.h promises, for host unit tests: the console is
 * stderr and panic() aborts, so that cmocka, ASan and fuzzers all see a
 * broken invariant. The string functions and the formatter are the C
 * library's here; the hypervisor's own formatter is tested against them.
 */
#include <hv/lib.h>
#include <stdio.h>
#include <stdlib.h>

/* Print everything: a test's stderr is only read when it fails. */
unsigned int log_level = 4;

/* The level of a leading "<N>", or LOG_INFO's level when there is none. */
static unsigned int message_level(const char **fmt)
{
    const char *f = *fmt;

    if (f[0] == '<' && f[1] >= '0' && f[1] <= '9' && f[2] == '>') {
        *fmt = f + 3;
        return (unsigned int)(f[1] - '0');
    }
    return 3;
}

/* Lets the compiler check that fmt is passed on as a format (clang insists). */
void vprintk(const char *fmt, va_list ap) __printf(1, 0);

void vprintk(const char *fmt, va_list ap)
{
    if (message_level(&fmt) > log_level)
        return;
    vfprintf(stderr, fmt, ap);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;

    fputs("panic: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
