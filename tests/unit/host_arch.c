/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The architecture, as host unit tests see it: the hooks of
 * hv/include/hv/arch.h that hv/common's printk() and panic() use. The
 * console is stderr and powering off aborts, so that cmocka, ASan and
 * fuzzers all see a broken invariant. The string functions and the
 * formatter are the C library's here; the hypervisor's own formatter is
 * tested against them.
 */
#include <hv/arch.h>
#include <stdio.h>
#include <stdlib.h>

void arch_console_write(const char *s, size_t len)
{
    fwrite(s, 1, len, stderr);
}

void arch_backtrace(void)
{
    /* ASan prints the real one when abort() lands. */
}

void arch_power_off(unsigned int value)
{
    fprintf(stderr, "power off (%#x)\n", value);
    abort();
}
