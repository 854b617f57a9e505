/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's small C library: formatted output, the console, and the
 * assertions. printk() goes to the serial console; the first argument's
 * leading "<N>" (see LOG_*) selects the level, filtered by loglvl=.
 */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <hv/types.h>
#include <stdarg.h>

/* Formats like C99's vsnprintf: %d %i %u %x %X %o %c %s %p %% with flags
 * (-, 0, +, space, #), width, precision and the length modifiers hh, h, l,
 * ll, z, t, j. Returns the length the full output would have had. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#define LOG_ERR "<1>"
#define LOG_WARN "<2>"
#define LOG_INFO "<3>"
#define LOG_DEBUG "<4>"

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap) __printf(1, 0);
extern unsigned int log_level; /* messages above this level are dropped */

/* Copy up to len bytes of the log from byte *offset (counted since boot;
 * moved forward if the ring no longer holds it). Returns bytes copied. */
size_t printk_log_read(uint64_t *offset, char *buf, size_t len);

/* Stop the machine after printing the message and a backtrace. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond)                                                           \
    do {                                                                       \
        if (unlikely(cond))                                                    \
            panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__);           \
    } while (0)

#ifdef NDEBUG
#define ASSERT(cond) ((void)sizeof(!(cond)))
#else
#define ASSERT(cond) BUG_ON(!(cond))
#endif
#define ASSERT_UNREACHABLE() ASSERT(!"unreachable")

#endif
