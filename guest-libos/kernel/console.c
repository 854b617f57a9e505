/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Console output: printf() and friends format into a buffer and hand it to
 * the console_write hypercall (until the console ring arrives).
 */
#include <exo/hypercall.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void console_write(const char *s, size_t len)
{
    while (len) {
        long n = hv_console_write((long)s, (long)len);

        if (n <= 0)
            return; /* nowhere else to report it */
        s += n;
        len -= (size_t)n;
    }
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n > 0)
        console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    console_write(s, strlen(s));
    console_write("\n", 1);
    return 0;
}

int putchar(int c)
{
    char ch = (char)c;

    console_write(&ch, 1);
    return (unsigned char)c;
}
