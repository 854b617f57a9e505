/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exceptions and interrupts taken by the hypervisor itself: the register
 * frame the entry stubs build, the vectors it uses, and the interrupt
 * handler registry.
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3

#define VECTOR_TIMER 0xf0
#define VECTOR_SPURIOUS 0xff

#ifndef __ASSEMBLY__
#include <hv/types.h>

/* Built by traps_entry.S; layout shared with it. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

void trap_handler(struct trap_frame *f);

/* Run handler for interrupts on vector (>= 32). */
void trap_set_irq_handler(unsigned int vector, void (*handler)(unsigned int vector));

/* Take the interrupts that are pending now, then return with them off. */
void irq_poll(void);
#endif

#endif
