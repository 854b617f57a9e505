/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * printk() and panic(): formatted messages to the hypervisor console,
 * filtered by level (loglvl= on the command line).
 */
#include <hv/arch.h>
#include <hv/lib.h>

unsigned int log_level = 3;

/* Everything printed (at any level that passes loglvl) also goes into a
 * ring the control domain can read (sysctl readlog). log_total counts
 * every byte ever logged, so readers can tell what they missed. */
#define LOG_RING_SIZE 16384u
static char log_ring[LOG_RING_SIZE];
static uint64_t log_total;

static void log_append(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        log_ring[(log_total + i) % LOG_RING_SIZE] = s[i];
    log_total += len;
}

size_t printk_log_read(uint64_t *offset, char *buf, size_t len)
{
    uint64_t oldest = log_total > LOG_RING_SIZE ? log_total - LOG_RING_SIZE : 0;
    size_t n;

    if (*offset < oldest)
        *offset = oldest;
    if (*offset > log_total)
        *offset = log_total;
    n = (size_t)MIN((uint64_t)len, log_total - *offset);
    for (size_t i = 0; i < n; i++)
        buf[i] = log_ring[(*offset + i) % LOG_RING_SIZE];
    return n;
}

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
    log_append(buf, MIN((size_t)n, sizeof(buf) - 1));
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
