/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Boot-time set-up steps of the x86 hypervisor, called in order by
 * hv_start() (setup.c), and the per-CPU block.
 */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <asm/boot.h>
#include <hv/types.h>

/* Per-CPU block; %fs points at it. The stack protector reads its canary at
 * %fs:0x28, so that offset is fixed. */
struct percpu {
    struct percpu *self;  /* 0x00 */
    unsigned int cpu_id;  /* 0x08 */
    unsigned int pad;
    struct vcpu *current; /* 0x10 */
    uint64_t reserved[2]; /* 0x18 */
    uint64_t canary;      /* 0x28 */
};
extern struct percpu boot_percpu;

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
void cpu_init(void);                   /* features, EFER.NXE, CR4, XCR0 */
void memory_init(struct boot_info *bi); /* frame table, allocator */
void paging_init(void);                /* final page tables, W^X */
void gdt_init(void);                   /* GDT, TSS with IST stacks */
void traps_init(void);                 /* IDT */
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
