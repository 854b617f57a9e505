/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Multiprocessing: the physical CPUs, their per-CPU blocks, bringing the
 * application processors up, and inter-processor interrupts.
 */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#define CPU_MAX 16

/* Where application processors start (smp.c copies trampoline.S there),
 * and the parameter block it reads, the page after it. */
#define TRAMPOLINE_BASE 0x8000
#define TRAMPOLINE_DATA 0x9000
#define TRAMP_CR3 0
#define TRAMP_STACK 8
#define TRAMP_ENTRY 16
#define TRAMP_CPU 24

#define VECTOR_KICK 0xf1 /* IPI: leave guest mode and look at the run queue */

#ifndef __ASSEMBLY__
#include <asm/boot.h>
#include <hv/types.h>

/* Start the CPUs the firmware lists, at most max_cpus in all (after paging,
 * traps and the vCPU back end are up on the boot CPU). */
void smp_init(const struct boot_info *bi, unsigned int max_cpus);

/* Copy the trampoline below 1 MiB (before paging_init maps it). */
void smp_prepare_trampoline(void);

/* Send VECTOR_KICK to a CPU. */
void smp_kick(unsigned int cpu);

extern unsigned int nr_cpus_online;
#endif

#endif
