/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console as file descriptors: stdout and stderr write to the domain's
 * console through the console_write hypercall (until the console ring
 * arrives), stdin reads as end of file, and the three report a terminal
 * size so that musl line-buffers stdout (it asks with TIOCGWINSZ and fully
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

static int is_console(long fd)
{
    return fd >= 0 && fd <= 2;
}

SYSCALL_HANDLER(read)
{
    if (!is_console(a[0]))
        return -EBADF;
    return 0; /* no console input yet */
}

SYSCALL_HANDLER(write)
{
    size_t len = (size_t)a[2];
    int err;

    if (a[0] != 1 && a[0] != 2)
        return -EBADF;
    if ((long)len < 0)
        return -EINVAL;
    err = console_write((const char *)(uintptr_t)a[1], len);
    return err ? err : (long)len;
}

SYSCALL_HANDLER(writev)
{
    const struct iovec *iov = (const struct iovec *)(uintptr_t)a[1];
    long count = a[2], total = 0;

    if (a[0] != 1 && a[0] != 2)
        return -EBADF;
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

SYSCALL_HANDLER(ioctl)
{
    struct winsize *ws = (struct winsize *)(uintptr_t)a[2];

    if (!is_console(a[0]))
        return -EBADF;
    if ((unsigned long)a[1] != TIOCGWINSZ)
        return -ENOTTY;
    *ws = (struct winsize){.ws_row = CONSOLE_ROWS, .ws_col = CONSOLE_COLUMNS};
    return 0;
}
