/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Symbol lookup and backtraces. The table (addresses sorted, then names) is
 * generated at link time by tools/hvsyms.sh into the .hvsyms section.
 */
#include <asm/setup.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <string.h>

extern const uint64_t hv_symbol_count;
extern const uint64_t hv_symbol_addrs[];
extern const char hv_symbol_names[];

const char *symbol_lookup(uint64_t addr, uint64_t *offset)
{
    uint64_t lo = 0, hi = hv_symbol_count;
    const char *name = hv_symbol_names;

    if (addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end || hi == 0 ||
        addr < hv_symbol_addrs[0])
        return NULL;
    /* The last symbol at or below addr. */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (hv_symbol_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    for (uint64_t i = 0; i < lo; i++)
        name += strlen(name) + 1;
    *offset = addr - hv_symbol_addrs[lo];
    return name;
}

void backtrace_from(uint64_t rbp)
{
    const uint64_t *frame = (const uint64_t *)rbp;

    printk("hv: backtrace:\n");
    /* Frame pointers are on everywhere; every stack is in the image's bss.
     * Stop at anything that is not. */
    for (int depth = 0; depth < 32; depth++) {
        uint64_t off, ret;
        const char *name;

        if ((uint64_t)frame < (uint64_t)__bss_start || (uint64_t)frame + 16 > (uint64_t)__bss_end ||
            !IS_ALIGNED((uint64_t)frame, 8))
            break;
        ret = frame[1];
        name = symbol_lookup(ret, &off);
        printk("hv:   %#018lx %s+%#lx\n", ret, name ? name : "?", name ? off : 0);
        frame = (const uint64_t *)frame[0];
    }
}

void arch_backtrace(void)
{
    uint64_t rbp;

    __asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
    backtrace_from(rbp);
}
