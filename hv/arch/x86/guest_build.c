/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 part of building a domain: the boot vCPU's GDT and TSS and the
 * initial identity-mapped page tables, written into guest memory exactly as
 * public/start_info.h describes them.
 */
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/lib.h>
#include <public/hv.h>

#define GUEST_TSS_OFFSET 0x100
#define TABLE(n) (HV_GUEST_PT_GPA + (n) * PAGE_SIZE) /* 0 PML4, 1 PDPT, 2 PT, 3.. PDs */
#define GUEST_PT_FLAGS (PTE_P | PTE_W | PTE_A | PTE_D)

BUILD_BUG_ON(3 + (HV_GUEST_PT_MAX_MAPPED >> 30) > HV_GUEST_PT_SIZE / PAGE_SIZE);

static int build_gdt(struct domain *d)
{
    uint64_t tss = HV_GUEST_GDT_GPA + GUEST_TSS_OFFSET, limit = 0x67;
    uint64_t gdt[5] = {
        0,
        0x00af9b000000ffffull, /* 64-bit code, accessed */
        0x00cf93000000ffffull, /* data, accessed */
        /* busy 64-bit TSS (type 0xb), as loaded in TR */
        (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x8bull << 40) | ((tss >> 24 & 0xff) << 56),
        tss >> 32,
    };
    uint8_t tss_image[0x68] = {0};

    tss_image[0x66] = sizeof(tss_image); /* I/O map base past the end: no bitmap */
    if (copy_to_guest(d, HV_GUEST_GDT_GPA, gdt, sizeof(gdt)))
        return -HV_EFAULT;
    return copy_to_guest(d, tss, tss_image, sizeof(tss_image));
}

static int put_entry(struct domain *d, uint64_t table, unsigned int index, uint64_t value)
{
    return copy_to_guest(d, table + index * 8, &value, sizeof(value));
}

static int build_page_tables(struct domain *d)
{
    uint64_t mapped = MIN(d->memory_size, HV_GUEST_PT_MAX_MAPPED);
    unsigned int nr_pds = (unsigned int)((mapped + (1ull << 30) - 1) >> 30);
    int err = put_entry(d, TABLE(0), 0, TABLE(1) | GUEST_PT_FLAGS);

    for (unsigned int i = 0; !err && i < nr_pds; i++)
        err = put_entry(d, TABLE(1), i, TABLE(3 + i) | GUEST_PT_FLAGS);
    /* The first 2 MiB by 4 KiB pages, leaving page 0 out. */
    if (!err)
        err = put_entry(d, TABLE(3), 0, TABLE(2) | GUEST_PT_FLAGS);
    for (unsigned int i = 1; !err && i < 512; i++)
        err = put_entry(d, TABLE(2), i, ((uint64_t)i << PAGE_SHIFT) | GUEST_PT_FLAGS);
    for (uint64_t pa = 2ull << 20; !err && pa < mapped; pa += 2ull << 20)
        err = put_entry(d, TABLE(3 + (pa >> 30)), (pa >> 21) & 511, pa | GUEST_PT_FLAGS | PTE_PS);
    return err;
}

int arch_domain_build_boot(struct domain *d)
{
    int err = build_gdt(d);

    return err ? err : build_page_tables(d);
}
