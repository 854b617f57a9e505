/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * svm_vmrun(guest_vmcb_pa, regs, host_vmcb_pa): enter the guest, come back
 * at its next #VMEXIT. VMRUN switches only rax, rsp and rip, so the other
 * guest registers are loaded from and saved to struct guest_regs here.
 * VMLOAD/VMSAVE move the state VMRUN leaves alone (FS/GS/KernelGS bases,
 * STAR/LSTAR/CSTAR/SFMASK, SYSENTER, TR, LDTR): the guest's around VMRUN,
 * the hypervisor's (its %fs per-CPU block) back afterwards from the host
 * VMCB, which svm_cpu_init saved once (the hypervisor never changes that
 * state). Between the two no C code runs, and GIF is clear, so nothing
 * interrupts the switch. Host interrupts are enabled for VMRUN so that
 * they cause #VMEXIT(INTR).
 *
 * Called only from svm.c's inline assembly, which tells the compiler that
 * every register but rsp, rbp, rbx and r12 is lost: the caller keeps its
 * two most used values in those and reloads any other it still needs,
 * instead of the stub saving all callee-saved registers on every exit.
 */
#include <asm/guest_regs.h>

    .text
    .globl svm_vmrun
svm_vmrun:
    push %rbp
    push %rbx
    push %r12
    push %rdx                       /* host VMCB */
    push %rsi                       /* guest registers */

    clgi
    mov %rdi, %rax
    vmload %rax

    mov REG_RBX(%rsi), %rbx
    mov REG_RCX(%rsi), %rcx
    mov REG_RDX(%rsi), %rdx
    mov REG_RDI(%rsi), %rdi
    mov REG_RBP(%rsi), %rbp
    mov REG_R8(%rsi), %r8
    mov REG_R9(%rsi), %r9
    mov REG_R10(%rsi), %r10
    mov REG_R11(%rsi), %r11
    mov REG_R12(%rsi), %r12
    mov REG_R13(%rsi), %r13
    mov REG_R14(%rsi), %r14
    mov REG_R15(%rsi), %r15
    mov REG_RSI(%rsi), %rsi

    sti
    /* GIF is clear, so nothing is taken here; the NOP only keeps STI's
     * one-instruction interrupt shadow off VMRUN, which QEMU would
     * otherwise carry into the guest (delaying, then misplacing, a
     * virtual interrupt by one instruction). */
    nop
    vmrun %rax
    cli

    /* rax and rsp are the hypervisor's again: rax = guest VMCB. */
    xchg (%rsp), %rax               /* rax = registers, stack = guest VMCB */
    mov %rbx, REG_RBX(%rax)
    mov %rcx, REG_RCX(%rax)
    mov %rdx, REG_RDX(%rax)
    mov %rsi, REG_RSI(%rax)
    mov %rdi, REG_RDI(%rax)
    mov %rbp, REG_RBP(%rax)
    mov %r8, REG_R8(%rax)
    mov %r9, REG_R9(%rax)
    mov %r10, REG_R10(%rax)
    mov %r11, REG_R11(%rax)
    mov %r12, REG_R12(%rax)
    mov %r13, REG_R13(%rax)
    mov %r14, REG_R14(%rax)
    mov %r15, REG_R15(%rax)

    pop %rax                        /* guest VMCB */
    vmsave %rax
    pop %rax                        /* host VMCB */
    vmload %rax
    stgi

    pop %r12
    pop %rbx
    pop %rbp
    ret
