/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console behind file descriptors 0-2 (file.c routes them here):
 * stdout and stderr write to the domain's console through the
 * console_write hypercall (until the console ring arrives), stdin reads as
 * end of file, and the three report a terminal size so that musl line-buffers stdout (it asks with TIOCGWINSZ and fully
 * buffers anything that is not a terminal). Also the library OS's own
 * log, which bypasses stdio.
 */
#include <errno.h>
#include <exo/hypercall.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include "private.h"

#define CONSOLE_COLUMNS 80
#define CONSOLE_ROWS 24
#define IOVEC_MAX 1024 /* Linux's UIO_MAXIOV */

int console_write(const char *s, size_t len)
{
    while (len) {
        long n = hv_console_write((long)(uintptr_t)s, (long)len);

        if (n <= 0)
            return -EFAULT; /* the only reason the hypercall gives */
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

void libos_log(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Console input arrives with the console ring; until then stdin is at its
 * end and never ready. */
int console_input_ready(void)
{
    return 0;
}

long console_read(void *buf, size_t len, int nonblock)
{
    return 0;
}

long console_writev(const struct iovec *iov, long count)
{
    long total = 0;

    if (count < 0 || count > IOVEC_MAX)
        return -EINVAL;
    for (long i = 0; i < count; i++) {
        int err = console_write(iov[i].iov_base, iov[i].iov_len);

        /* Like Linux: a fault after some bytes went out is a short write. */
        if (err)
            return total ? total : err;
        total += (long)iov[i].iov_len;
    }
    return total;
}

long console_ioctl(unsigned long request, void *arg)
{
    struct winsize *ws = arg;

    if (request != TIOCGWINSZ)
        return -ENOTTY;
    *ws = (struct winsize){.ws_row = CONSOLE_ROWS, .ws_col = CONSOLE_COLUMNS};
    return 0;
}
