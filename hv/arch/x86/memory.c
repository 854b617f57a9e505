/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical memory at boot: place the frame table, then give the allocator
 * every RAM frame except the first megabyte (firmware), the hypervisor
 * image, the boot modules and the frame table itself.
 */
#include <asm/setup.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <string.h>

#define LOW_MEMORY_END (1ull << 20)
#define BOOT_MAP_END (4ull << 30) /* what head.S's temporary tables map */
#define MAX_RESERVED (BOOT_MAX_MODULES + 2)

uint64_t max_ram_pfn;

struct range {
    uint64_t start, end;
};

static struct range reserved[MAX_RESERVED];
static unsigned int nr_reserved;

static void reserve(uint64_t start, uint64_t end)
{
    BUG_ON(nr_reserved == MAX_RESERVED);
    reserved[nr_reserved++] = (struct range){ALIGN_DOWN(start, PAGE_SIZE),
                                             ALIGN_UP(end, PAGE_SIZE)};
}

/* The first reserved range overlapping [start, end), or NULL. */
static const struct range *overlap(uint64_t start, uint64_t end)
{
    for (unsigned int i = 0; i < nr_reserved; i++)
        if (start < reserved[i].end && reserved[i].start < end)
            return &reserved[i];
    return NULL;
}

/* Lowest page-aligned place for size bytes in RAM below the boot map's end. */
static uint64_t find_free(const struct boot_info *bi, uint64_t size)
{
    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        const struct boot_region *r = &bi->regions[i];
        uint64_t start = ALIGN_UP(MAX(r->start, LOW_MEMORY_END), PAGE_SIZE);
        const struct range *o;

        if (r->type != BOOT_REGION_RAM)
            continue;
        while (start + size <= MIN(r->end, BOOT_MAP_END)) {
            o = overlap(start, start + size);
            if (!o)
                return start;
            start = o->end;
        }
    }
    panic("no room for the frame table (%lu KiB)", size >> 10);
}

/* Give [start, end) minus the reserved ranges to the allocator. */
static void add_free(uint64_t start, uint64_t end)
{
    const struct range *o;

    start = ALIGN_UP(start, PAGE_SIZE);
    end = ALIGN_DOWN(end, PAGE_SIZE);
    while (start < end) {
        o = overlap(start, end);
        if (!o) {
            if (page_alloc_add_range(_mfn(start >> PAGE_SHIFT), (end - start) >> PAGE_SHIFT))
                printk(LOG_WARN "hv: memory map overlaps itself at %#lx\n", start);
            return;
        }
        if (o->start > start)
            add_free(start, o->start);
        start = o->end;
    }
}

void memory_init(struct boot_info *bi)
{
    uint64_t table_size, table, total = 0;
    uint64_t phys_limit = 1ull << cpu_features.phys_bits;

    for (unsigned int i = 0; i < bi->nr_regions; i++) {
        struct boot_region *r = &bi->regions[i];

        printk(LOG_DEBUG "hv: e820 [%#014lx, %#014lx) type %u\n", r->start, r->end, r->type);
        if (r->type != BOOT_REGION_RAM)
            continue;
        r->end = MIN(r->end, phys_limit);
        if (r->end > r->start) {
            max_ram_pfn = MAX(max_ram_pfn, r->end >> PAGE_SHIFT);
            total += r->end - r->start;
        }
    }

    reserve((uint64_t)__image_start, (uint64_t)__image_end);
    for (unsigned int i = 0; i < bi->nr_modules; i++)
        reserve(bi->modules[i].start, bi->modules[i].end);

    table_size = ALIGN_UP(max_ram_pfn * sizeof(struct page_info), PAGE_SIZE);
    table = find_free(bi, table_size);
    reserve(table, table + table_size);
    memset((void *)table, 0, table_size);
    BUG_ON(page_alloc_init((struct page_info *)table, max_ram_pfn));

    for (unsigned int i = 0; i < bi->nr_regions; i++)
        if (bi->regions[i].type == BOOT_REGION_RAM)
            add_free(MAX(bi->regions[i].start, LOW_MEMORY_END), bi->regions[i].end);

    printk("hv: memory: %lu MiB RAM, %lu MiB free, frame table %lu KiB at %#lx\n",
           total >> 20, (page_alloc_free_frames() << PAGE_SHIFT) >> 20, table_size >> 10,
           table);
}
