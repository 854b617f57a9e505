/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * printk() and panic(): formatted messages to the hypervisor console,
 * filtered by level (loglvl= on the command line).
 */
#include <hv/arch.h>
#include <hv/lib.h>

unsigned int log_level = 3;

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    unsigned int level = 3;
    int n;

    if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '9' && fmt[2] == '>') {
        level = (unsigned int)(fmt[1] - '0');
        fmt += 3;
    }
    if (level > log_level)
        return;
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n < 0)
        return;
    arch_console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
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

    log_level = 4;
    printk("\nhv: PANIC: ");
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk("\n");
    arch_backtrace();
    arch_power_off(0x7f);
}
