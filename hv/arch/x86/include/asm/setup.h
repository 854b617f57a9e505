/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot-time set-up steps of the x86 hypervisor, called in order by
 * hv_start() (setup.c), and the per-CPU block.
 */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <asm/boot.h>
#include <hv/spinlock.h>
#include <hv/types.h>

/* Per-CPU block; %fs points at its CPU's. The stack protector reads its
 * canary at %fs:0x28, so that offset is fixed, and so is the size (the AP
 * entry code indexes the array). */
#define PERCPU_SIZE 256
struct percpu {
    struct percpu *self;     /* 0x00 */
    unsigned int cpu_id;     /* 0x08: index in percpu[] */
    unsigned int apic_id;    /* 0x0c */
    struct vcpu *current;    /* 0x10: the vCPU in guest mode here, if any */
    struct vcpu *fpu_owner;  /* 0x18: whose FPU state and XCR0 this CPU holds */
    uint64_t reserved;       /* 0x20 */
    uint64_t canary;         /* 0x28 */
    volatile bool online;    /* 0x30 */
    bool fpu_flush;          /* 0x31: another CPU wants fpu_owner's state saved */
    uint8_t pad0[6];
    spinlock_t fpu_lock;     /* 0x38: fpu_owner against another CPU's reset */
    uint8_t pad[PERCPU_SIZE - 0x40];
};
extern struct percpu percpu[];

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;

    __asm__("mov %%fs:0, %0" : "=r"(p));
    return p;
}

/* CPU features the hypervisor found (cpu.c). */
struct cpu_features {
    bool nx, smep, smap, xsave, pdpe1gb, invariant_tsc;
    bool svm, npt, nrips, vmx;
    uint64_t xcr0;        /* host XCR0: x87|SSE|AVX as available */
    uint32_t xsave_size;  /* bytes XSAVE needs for xcr0 */
    unsigned int phys_bits;
};
extern struct cpu_features cpu_features;

void serial_init(void);
void serial_drain(void);               /* wait until the UART has sent everything */
void cpu_init(void);                   /* features, then cpu_setup() */
void cpu_setup(void);                  /* this CPU's EFER.NXE, CR0, CR4, XCR0 */
void memory_init(struct boot_info *bi); /* frame table, allocator */
void iomem_init(const struct boot_info *bi); /* what device memory may be mapped */
void paging_init(void);                /* final page tables, W^X */
void gdt_init(unsigned int cpu, uint64_t ist_df, uint64_t ist_nmi, uint64_t ist_mc);
                                       /* this CPU's GDT, TSS with IST stacks */
void traps_init(void);                 /* IDT, loaded on this CPU */
void traps_load(void);                 /* load the IDT on another CPU */
/* Unmap the page at va, making it a guard page (splits a 2 MiB mapping). */
void paging_make_guard(uint64_t va);
void time_init(void);                  /* TSC and LAPIC timer calibration */
void lapic_init(void);
void hvm_init(void);                   /* pick and start the vCPU back end */

/* The hypervisor image, from the linker script. */
extern char __image_start[], __image_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __data_end[];
extern char __bss_start[], __bss_end[], boot_stack_guard[], boot_stack_top[];
extern char ist_df_guard[], ist_df_top[], ist_nmi_guard[], ist_nmi_top[];
extern char ist_mc_guard[], ist_mc_top[];

/* Highest RAM frame + 1 (memory.c). */
extern uint64_t max_ram_pfn;

/* Symbol lookup for reports (symbols.c): the name of the function holding
 * addr and the offset into it, or NULL. */
const char *symbol_lookup(uint64_t addr, uint64_t *offset);
void backtrace_from(uint64_t rbp);

#endif
