/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory for the application, carved from the guest-physical memory after
 * the image (_end, from the linker script) up to the domain's size:
 *
 *   _end ... brk heap (an eighth of what is free) | bitmap | page tables |
 *   mmap pages ... memory end
 *
 * brk grows and shrinks a break inside its region; mmap(MAP_ANONYMOUS)
 * hands out runs of pages from a bitmap (next fit), zeroed as Linux
 * promises, and munmap returns them. The library OS's page tables
 * (paging.c) enforce the protections: a free page of the mmap region is
 * unmapped, PROT_NONE unmaps (musl's thread stacks get their guard page
 * that way), a page without PROT_WRITE is read-only and one without
 * PROT_EXEC cannot run. The image and the heap keep their protections
 * unless mprotect changes them. One spin lock covers both regions: system
 * calls run with interrupts off, on any vCPU.
 *
 * The kernel reads and writes memory for system calls without looking at
 * protections: a write into a read-only page through read() faults in the
 * library OS (a crash report) instead of returning -EFAULT.
 */
#include <errno.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "page_run.h"
#include "private.h"

#undef PAGE_SIZE /* musl's limits.h has one, not unsigned long */
#define PAGE_SIZE 4096ul
#define PAGE_ALIGN_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

extern const char __ehdr_start[];
extern char _end[];

static uintptr_t brk_start, brk_current, brk_limit;
static uintptr_t image_start; /* the first page of the image */
static uintptr_t pages_start;     /* first page the bitmap describes */
static unsigned long nr_pages;    /* pages after pages_start */
static struct page_runs runs;     /* which of them are in use (page_run.c) */
static int lock;

static void memory_lock(void)
{
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
        __builtin_ia32_pause();
}

static void memory_unlock(void)
{
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

void memory_init(uint64_t memory_size)
{
    uintptr_t start = PAGE_ALIGN_UP((uintptr_t)_end);
    uintptr_t end = (uintptr_t)(memory_size < HV_GUEST_PT_MAX_MAPPED ? memory_size
                                                                     : HV_GUEST_PT_MAX_MAPPED);
    unsigned long bitmap_pages, table_pages = paging_table_pages(memory_size);
    void *tables;

    if (end <= start + (16 + table_pages) * PAGE_SIZE)
        libos_crash("no memory after the image");
    image_start = (uintptr_t)__ehdr_start & ~(PAGE_SIZE - 1);
    brk_start = brk_current = start;
    brk_limit = start + PAGE_ALIGN_UP((end - start) / 8);

    /* The bitmap takes the first pages after the heap's region, then the
     * page tables; the bitmap describes the pages after both. */
    bitmap_pages = PAGE_ALIGN_UP(((end - brk_limit) / PAGE_SIZE + 63) / 64 * 8) / PAGE_SIZE;
    tables = (void *)(brk_limit + bitmap_pages * PAGE_SIZE);
    memset(tables, 0, table_pages * PAGE_SIZE);
    pages_start = brk_limit + (bitmap_pages + table_pages) * PAGE_SIZE;
    nr_pages = (end - pages_start) / PAGE_SIZE;
    page_runs_init(&runs, (uint64_t *)brk_limit, nr_pages);

    paging_init(tables, memory_size);
    paging_protect(pages_start, end, PROT_NONE);
}

void *memory_alloc_pages(unsigned long count)
{
    long first;
    uintptr_t p;

    memory_lock();
    first = page_runs_alloc(&runs, count);
    memory_unlock();
    if (first < 0)
        return NULL;
    p = pages_start + (unsigned long)first * PAGE_SIZE;
    paging_protect(p, p + count * PAGE_SIZE, PROT_READ | PROT_WRITE);
    return (void *)p;
}

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)

SYSCALL_HANDLER(mmap)
{
    unsigned long len = (unsigned long)a[1];
    long prot = a[2], flags = a[3], first;
    unsigned long count;
    uintptr_t p;

    if (len == 0 || (a[5] & (long)(PAGE_SIZE - 1)) || (prot & ~(long)PROT_ALL))
        return -EINVAL;
    if (len > nr_pages * PAGE_SIZE)
        return -ENOMEM; /* as Linux says when the address space is short */
    if (!(flags & MAP_ANONYMOUS))
        return -ENODEV; /* no files to map yet */
    /* A single address space: MAP_FIXED would mean taking memory the
     * library OS or the application already uses. */
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
        return -EINVAL;
    count = PAGE_ALIGN_UP(len) / PAGE_SIZE;
    memory_lock();
    first = page_runs_alloc(&runs, count);
    memory_unlock();
    if (first < 0)
        return -ENOMEM;
    p = pages_start + (unsigned long)first * PAGE_SIZE;
    /* Free pages are unmapped: map them to clear them, then protect. */
    paging_protect(p, p + count * PAGE_SIZE, PROT_READ | PROT_WRITE);
    memset((void *)p, 0, count * PAGE_SIZE);
    if (prot != (PROT_READ | PROT_WRITE))
        paging_protect(p, p + count * PAGE_SIZE, (int)prot);
    return (long)p;
}

/* The page indexes of [addr, addr + len), or -EINVAL if they are not all
 * inside the mmap region or addr is not page-aligned. */
static int page_range(long addr, long len, unsigned long *first, unsigned long *count)
{
    uintptr_t start = (uintptr_t)addr, end;

    if (len <= 0 || (start & (PAGE_SIZE - 1)) || start < pages_start)
        return -EINVAL;
    end = PAGE_ALIGN_UP(start + (unsigned long)len);
    if (end < start || end > pages_start + nr_pages * PAGE_SIZE)
        return -EINVAL;
    *first = (start - pages_start) / PAGE_SIZE;
    *count = (end - start) / PAGE_SIZE;
    return 0;
}

SYSCALL_HANDLER(munmap)
{
    unsigned long first, count;
    int err = page_range(a[0], a[1], &first, &count);

    if (err)
        return err;
    memory_lock();
    /* Unmapped before they are free: no other thread gets them while
     * this one's old protection still holds. */
    paging_protect((uintptr_t)a[0], (uintptr_t)a[0] + count * PAGE_SIZE, PROT_NONE);
    page_runs_mark(&runs, first, count, 0);
    memory_unlock();
    return 0;
}

/*
 * mprotect(addr, len, prot): pages of the mmap region that mmap handed
 * out, or of the image and the heap up to the break, as Linux allows for
 * any mapping. Anything else is not mapped for the application: -ENOMEM,
 * as Linux says for a range with a hole.
 */
SYSCALL_HANDLER(mprotect)
{
    uintptr_t start = (uintptr_t)a[0], end;
    unsigned long len = (unsigned long)a[1];
    long prot = a[2];
    int ok;

    if ((start & (PAGE_SIZE - 1)) || (prot & ~(long)PROT_ALL))
        return -EINVAL;
    if (len == 0)
        return 0;
    end = PAGE_ALIGN_UP(start + len);
    if (end <= start)
        return -ENOMEM;
    memory_lock();
    if (start >= pages_start) {
        ok = end <= pages_start + nr_pages * PAGE_SIZE;
        for (uintptr_t p = start; ok && p < end; p += PAGE_SIZE)
            ok = page_runs_used(&runs, (p - pages_start) / PAGE_SIZE);
    } else {
        ok = start >= image_start && end <= PAGE_ALIGN_UP(brk_current);
    }
    if (ok)
        paging_protect(start, end, (int)prot);
    memory_unlock();
    return ok ? 0 : -ENOMEM;
}

SYSCALL_HANDLER(madvise)
{
    return 0;
}

/* brk(addr): move the break if addr is inside the region; always return
 * the break as it now is (failure is a break that did not move). */
SYSCALL_HANDLER(brk)
{
    uintptr_t want = (uintptr_t)a[0];

    memory_lock();
    if (want >= brk_start && want <= brk_limit) {
        /* Memory the break gives back and takes again must read as zero. */
        if (want > brk_current)
            memset((void *)brk_current, 0, want - brk_current);
        brk_current = want;
    }
    want = brk_current;
    memory_unlock();
    return (long)want;
}
