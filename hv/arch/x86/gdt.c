/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's GDT and TSS. The TSS carries no I/O bitmap and three
 * interrupt stacks: double fault, NMI and machine check run on stacks of
 * their own (each above a guard page), so a hypervisor stack overflow is
 * reported instead of ending in a triple fault.
 */
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <string.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;
BUILD_BUG_ON(sizeof(struct tss) != 104);

static struct tss tss[CPU_MAX] __aligned(64);
static uint64_t gdt[CPU_MAX][5] __aligned(16);

struct descriptor_pointer {
    uint16_t limit;
    uint64_t base;
} __packed;

void gdt_init(unsigned int cpu, uint64_t ist_df, uint64_t ist_nmi, uint64_t ist_mc)
{
    struct tss *t = &tss[cpu];
    uint64_t *g = gdt[cpu];
    uint64_t base = (uint64_t)t, limit = sizeof(*t) - 1;
    struct descriptor_pointer gdtr = {sizeof(gdt[cpu]) - 1, (uint64_t)g};

    memset(t, 0, sizeof(*t));
    t->ist[IST_DF - 1] = ist_df;
    t->ist[IST_NMI - 1] = ist_nmi;
    t->ist[IST_MC - 1] = ist_mc;
    t->iomap_base = sizeof(*t);

    g[0] = 0;
    g[HV_CS >> 3] = 0x00af9a000000ffffull;
    g[HV_DS >> 3] = 0x00cf92000000ffffull;
    /* 16-byte available 64-bit TSS descriptor (type 9, present). */
    g[HV_TSS >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                     ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    g[(HV_TSS >> 3) + 1] = base >> 32;

    /* %fs and %gs keep their bases: %fs holds the per-CPU block. */
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %2, %%ds\n\t"
                     "mov %2, %%es\n\t"
                     "mov %2, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(gdtr), "i"(HV_CS), "r"(HV_DS), "r"(HV_TSS)
                     : "rax", "memory");
}
