/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library OS's own page tables, replacing the builder's writable,
 * executable identity map: still an identity map (virtual = guest-physical,
 * so hypercalls can take pointers), 4-level, supervisor-only, but
 *
 *   page 0                       unmapped (NULL)
 *   the rest of the first 2 MiB  read-write, not executable (the builder's
 *                                pages: start info, shared info, console)
 *   the image                    text read-only and executable, rodata
 *                                read-only, data and bss read-write, by
 *                                4 KiB pages (linker-script symbols)
 *   the guard page under the     unmapped
 *   boot stack
 *   the rest                     2 MiB pages, read-write, not executable,
 *                                until memory.c gives pages of them other
 *                                protections (mmap, stacks, guard pages)
 *   above the domain's memory    unmapped
 *
 * Every table comes from one run of pages memory.c sets aside at start:
 * the PML4, the PDPT, a page directory per GiB and one page table for
 * every 2 MiB of memory, used when a protection first differs inside that
 * 2 MiB (a large page is split then and never merged again). So a change
 * never needs memory and never fails.
 *
 * TLBs: a change flushes the calling vCPU's TLB (INVLPG, or CR3 for big
 * changes). Other vCPUs share the tables and there are no IPIs between a
 * domain's vCPUs: a vCPU flushes when it next enters the library OS (a
 * system call) and finds the tables' generation moved. Until then it may
 * still use a page with the protection it had before, so a thread that
 * unmaps or write-protects memory another vCPU is using gets the new
 * protection there only at that vCPU's next system call. A stale entry
 * that allows less than the tables (a page made writable) gives a page
 * fault that trap.c retries after a flush (paging_allows).
 *
 * Locking: one spin lock around changes to the tables; taken after
 * memory.c's lock.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "private.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define LARGE_PAGE (2ul << 20)
#define MAX_MAPPED (8ull << 30) /* as the builder's: HV_GUEST_PT_MAX_MAPPED */
#define TABLE_FLAGS (PTE_P | PTE_W | PTE_A) /* the leaves decide */
#define FLUSH_ALL_PAGES 32 /* more pages than this: reload CR3 */

/* From the linker script and entry.S. */
extern const char __ehdr_start[], __text_end[], __rodata_end[], _end[];
extern char boot_stack_guard[];

static uint64_t *pml4, *pdpt, *page_dirs, *page_tables;
static uint64_t mapped; /* bytes of memory the tables cover */
static uint64_t generation;
static uint64_t cpu_generation[VCPUS_MAX];
static int lock;

static void paging_lock(void)
{
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
}

static void paging_unlock(void)
{
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

static uint64_t mapped_bytes(uint64_t memory_size)
{
    return memory_size < MAX_MAPPED ? memory_size : MAX_MAPPED;
}

static unsigned long nr_gib(uint64_t memory_size)
{
    return (unsigned long)((mapped_bytes(memory_size) + (1ull << 30) - 1) >> 30);
}

unsigned long paging_table_pages(uint64_t memory_size)
{
    return 2 + nr_gib(memory_size) + (unsigned long)(mapped_bytes(memory_size) / LARGE_PAGE);
}

static uint64_t leaf_flags(int prot)
{
    uint64_t flags = PTE_P | PTE_A | PTE_D;

    if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        return 0;
    if (prot & PROT_WRITE)
        flags |= PTE_W;
    if (!(prot & PROT_EXEC))
        flags |= PTE_NX;
    return flags;
}

static void write_cr3(uint64_t value)
{
    __asm__ volatile("mov %0, %%cr3" ::"r"(value) : "memory");
}

/* The page table of the 2 MiB at addr, splitting its large page (present
 * or not) into 4 KiB pages with the same protection if need be. */
static uint64_t *page_table(uintptr_t addr)
{
    uint64_t *pde = &page_dirs[addr / LARGE_PAGE];
    uint64_t *pt = &page_tables[addr / LARGE_PAGE * 512];

    if ((*pde & PTE_P) && !(*pde & PTE_PS))
        return pt;
    for (unsigned int i = 0; i < 512; i++) {
        uint64_t pa = (addr & ~(LARGE_PAGE - 1)) + i * PAGE_BYTES;

        pt[i] = (*pde & PTE_P) ? pa | (*pde & (PTE_W | PTE_A | PTE_D | PTE_NX | PTE_P)) : 0;
    }
    __atomic_store_n(pde, (uint64_t)(uintptr_t)pt | TABLE_FLAGS, __ATOMIC_RELEASE);
    return pt;
}

/* Set the tables, without flushing; returns whether a large page changed. */
static int set_range(uintptr_t start, uintptr_t end, uint64_t flags)
{
    int large = 0;

    for (uintptr_t addr = start; addr < end;) {
        uintptr_t region_end = (addr & ~(LARGE_PAGE - 1)) + LARGE_PAGE;
        uintptr_t stop = end < region_end ? end : region_end;
        uint64_t *pde = &page_dirs[addr / LARGE_PAGE];

        if (!(addr & (LARGE_PAGE - 1)) && stop == region_end &&
            (!(*pde & PTE_P) || (*pde & PTE_PS))) {
            *pde = flags ? addr | flags | PTE_PS : 0;
            large = 1;
        } else {
            uint64_t *pt = page_table(addr);

            for (uintptr_t a = addr; a < stop; a += PAGE_BYTES)
                pt[a / PAGE_BYTES % 512] = flags ? a | flags : 0;
        }
        addr = stop;
    }
    return large;
}

void paging_protect(uintptr_t start, uintptr_t end, int prot)
{
    unsigned long pages;
    int large;

    if (end > mapped)
        end = mapped;
    if (start >= end)
        return;
    paging_lock();
    large = set_range(start, end, leaf_flags(prot));
    pages = (end - start) / PAGE_BYTES;
    __atomic_fetch_add(&generation, 1, __ATOMIC_SEQ_CST);
    if (large || pages > FLUSH_ALL_PAGES) {
        write_cr3(paging_root());
    } else {
        for (uintptr_t a = start; a < end; a += PAGE_BYTES)
            __asm__ volatile("invlpg (%0)" ::"r"(a) : "memory");
    }
    paging_unlock();
}

/* The leaf entry that maps addr (its flags), or 0. */
static uint64_t lookup(uintptr_t addr)
{
    uint64_t pde;

    if (!page_dirs || addr >= mapped)
        return 0;
    pde = __atomic_load_n(&page_dirs[addr / LARGE_PAGE], __ATOMIC_ACQUIRE);
    if (!(pde & PTE_P) || (pde & PTE_PS))
        return pde;
    return __atomic_load_n(&page_tables[addr / PAGE_BYTES], __ATOMIC_RELAXED);
}

int paging_allows(uintptr_t addr, size_t len, int prot)
{
    uintptr_t end = addr + (len ? len : 1);

    if (end < addr)
        return 0;
    for (uintptr_t a = addr & ~(PAGE_BYTES - 1); a < end; a += PAGE_BYTES) {
        uint64_t e = lookup(a);

        if (!(e & PTE_P) || ((prot & PROT_WRITE) && !(e & PTE_W)) ||
            ((prot & PROT_EXEC) && (e & PTE_NX)))
            return 0;
    }
    return 1;
}

uint64_t paging_root(void)
{
    return (uint64_t)(uintptr_t)pml4;
}

uint64_t paging_generation(void)
{
    return __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
}

void paging_sync(void)
{
    unsigned int cpu = trap_cpu_id();
    uint64_t now = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);

    if (cpu < VCPUS_MAX && cpu_generation[cpu] != now) {
        cpu_generation[cpu] = now;
        write_cr3(paging_root());
    }
}

static uintptr_t page_down(const void *p)
{
    return (uintptr_t)p & ~(PAGE_BYTES - 1);
}

static uintptr_t page_up(const void *p)
{
    return ((uintptr_t)p + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1);
}

void paging_init(void *tables, uint64_t memory_size)
{
    unsigned long gib = nr_gib(memory_size);

    mapped = mapped_bytes(memory_size);
    pml4 = tables;
    pdpt = pml4 + 512;
    page_dirs = pdpt + 512;
    page_tables = page_dirs + 512 * gib;
    pml4[0] = (uint64_t)(uintptr_t)pdpt | TABLE_FLAGS;
    for (unsigned long i = 0; i < gib; i++)
        pdpt[i] = (uint64_t)(uintptr_t)&page_dirs[512 * i] | TABLE_FLAGS;

    set_range(0, mapped, leaf_flags(PROT_READ | PROT_WRITE));
    set_range(0, PAGE_BYTES, 0);
    set_range(page_down(__ehdr_start), page_up(__text_end), leaf_flags(PROT_READ | PROT_EXEC));
    set_range(page_up(__text_end), page_up(__rodata_end), leaf_flags(PROT_READ));
    set_range((uintptr_t)boot_stack_guard, (uintptr_t)boot_stack_guard + PAGE_BYTES, 0);
    write_cr3(paging_root());
    crash_add_guard((uintptr_t)boot_stack_guard, "the boot stack");
}
