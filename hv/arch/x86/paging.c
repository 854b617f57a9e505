/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's own page tables. Physical memory is identity-mapped
 * (virtual = physical) up to the end of RAM or 4 GiB, whichever is higher,
 * so the hypervisor reaches any frame, device registers included, at its
 * physical address. Everything is non-executable except the image's text,
 * which is read-only: no page is both writable and executable. Page 0 and
 * the guard page under every stack are not mapped, so a NULL dereference or
 * a stack overflow faults instead of corrupting memory.
 */
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <string.h>

#define SMALL_PAGES_END (4ull << 20) /* the image lives here, mapped by 4 KiB pages */
#define MMIO_UC_START 0xfec00000ull  /* IOAPIC and LAPIC: uncached */
#define MMIO_UC_END 0xff000000ull

static uint64_t *pml4;
static bool switched; /* running on these tables, which map all RAM */

void *arch_frame_virt(mfn_t mfn)
{
    return (void *)(uintptr_t)(mfn_x(mfn) << PAGE_SHIFT);
}

mfn_t arch_virt_frame(const void *p)
{
    return _mfn((uint64_t)(uintptr_t)p >> PAGE_SHIFT);
}

static uint64_t *alloc_table(void)
{
    mfn_t mfn;
    uint64_t *t;

    if (page_alloc(0, &mfn))
        panic("out of memory for the hypervisor's page tables");
    /* Until the switch only head.S's map of the low 4 GiB is there. */
    BUG_ON(!switched && mfn_x(mfn) >= (4ull << 30) >> PAGE_SHIFT);
    t = arch_frame_virt(mfn);
    memset(t, 0, PAGE_SIZE);
    return t;
}

static uint64_t *next_level(uint64_t *table, unsigned int index)
{
    if (!(table[index] & PTE_P))
        table[index] = (uint64_t)(uintptr_t)alloc_table() | PTE_P | PTE_W;
    return (uint64_t *)(uintptr_t)(table[index] & PTE_ADDR_MASK);
}

static bool is_guard_page(uint64_t pa)
{
    static const char *const guards[] = {boot_stack_guard, ist_df_guard, ist_nmi_guard,
                                         ist_mc_guard};

    for (unsigned int i = 0; i < ARRAY_SIZE(guards); i++)
        if (pa == (uint64_t)guards[i])
            return true;
    return false;
}

/* Flags for a 4 KiB page of the low region holding the image. */
static uint64_t small_page_flags(uint64_t pa)
{
    if (pa == 0 || is_guard_page(pa))
        return 0;
    if (pa == TRAMPOLINE_BASE)
        return PTE_P; /* the AP start-up code: read-only, executable */
    if (pa >= (uint64_t)__text_start && pa < (uint64_t)__text_end)
        return PTE_P;
    if (pa >= (uint64_t)__rodata_start && pa < (uint64_t)__rodata_end)
        return PTE_P | PTE_NX;
    return PTE_P | PTE_W | PTE_NX;
}

void paging_init(void)
{
    uint64_t top = MAX(max_ram_pfn << PAGE_SHIFT, 4ull << 30);

    BUG_ON((uint64_t)__image_end > SMALL_PAGES_END);
    pml4 = alloc_table();
    for (uint64_t pa = 0; pa < top; pa += 2ull << 20) {
        uint64_t *pdpt = next_level(pml4, (pa >> 39) & 511);
        uint64_t *pd = next_level(pdpt, (pa >> 30) & 511);
        unsigned int pdi = (pa >> 21) & 511;

        if (pa < SMALL_PAGES_END) {
            uint64_t *pt = next_level(pd, pdi);

            for (unsigned int i = 0; i < 512; i++) {
                uint64_t p = pa + ((uint64_t)i << PAGE_SHIFT);
                uint64_t flags = small_page_flags(p);

                pt[i] = flags ? p | flags : 0;
            }
        } else {
            uint64_t flags = PTE_P | PTE_W | PTE_PS | PTE_NX;

            if (pa >= MMIO_UC_START && pa < MMIO_UC_END)
                flags |= PTE_PCD | PTE_PWT;
            pd[pdi] = pa | flags;
        }
    }
    write_cr3((uint64_t)(uintptr_t)pml4);
    switched = true;
    printk("hv: paging: %lu MiB identity-mapped, text r-x, data rw-, NULL and stack guards unmapped\n",
           top >> 20);
}

void paging_make_guard(uint64_t va)
{
    uint64_t *pdpt = next_level(pml4, (va >> 39) & 511);
    uint64_t *pd = next_level(pdpt, (va >> 30) & 511);
    uint64_t *pde = &pd[(va >> 21) & 511], *pt;

    BUG_ON(!(*pde & PTE_P));
    if (*pde & PTE_PS) {
        /* Split the 2 MiB page into 512 small ones with the same rights. */
        uint64_t base = *pde & PTE_ADDR_MASK & ~((2ull << 20) - 1);
        uint64_t flags = *pde & (PTE_W | PTE_NX | PTE_PCD | PTE_PWT);

        pt = alloc_table();
        for (unsigned int i = 0; i < 512; i++)
            pt[i] = (base + ((uint64_t)i << PAGE_SHIFT)) | PTE_P | flags;
        *pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
        write_cr3(read_cr3()); /* drop the large translation everywhere it is cached */
    }
    pt = (uint64_t *)(uintptr_t)(*pde & PTE_ADDR_MASK);
    pt[(va >> 12) & 511] = 0;
    invlpg(va);
}
