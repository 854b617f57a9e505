/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmx_enter(regs, launched): enter the guest of the current VMCS with
 * VMLAUNCH (launched == 0) or VMRESUME, and come back after its next VM
 * exit with 0. VT-x switches rsp, rip and rflags but no general register,
 * not even rax, so all of them are loaded from and saved to struct
 * guest_regs here. A VM exit lands at vmx_exit_entry (HOST_RIP) on the
 * stack this function leaves in HOST_RSP, where the regs pointer waits.
 * If VMLAUNCH/VMRESUME fails as an instruction, no exit happens and the
 * result is 1 (VMfailInvalid: CF) or 2 (VMfailValid: ZF, the VMCS's
 * VM-instruction error field says why).
 */
#include <asm/guest_regs.h>

#define VMCS_HOST_RSP_ENCODING 0x6c14 /* vmcs.h checks it */

    .text
    .globl vmx_enter
vmx_enter:
    push %rbp
    mov %rsp, %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rdi                       /* guest registers, for the exit path */

    mov $VMCS_HOST_RSP_ENCODING, %eax
    vmwrite %rsp, %rax
    jbe .Lfailed

    /* The flags decide between VMLAUNCH and VMRESUME; the moves below
     * leave them alone. */
    test %esi, %esi
    mov REG_RAX(%rdi), %rax
    mov REG_RBX(%rdi), %rbx
    mov REG_RCX(%rdi), %rcx
    mov REG_RDX(%rdi), %rdx
    mov REG_RSI(%rdi), %rsi
    mov REG_RBP(%rdi), %rbp
    mov REG_R8(%rdi), %r8
    mov REG_R9(%rdi), %r9
    mov REG_R10(%rdi), %r10
    mov REG_R11(%rdi), %r11
    mov REG_R12(%rdi), %r12
    mov REG_R13(%rdi), %r13
    mov REG_R14(%rdi), %r14
    mov REG_R15(%rdi), %r15
    mov REG_RDI(%rdi), %rdi
    jnz 1f
    vmlaunch
    jmp .Lfailed
1:  vmresume

.Lfailed:
    /* Still on this function's stack, with guest values in the registers
     * (the callee-saved ones are restored below). */
    mov $2, %eax
    jnc 2f
    mov $1, %eax
2:  add $8, %rsp                    /* the regs pointer */
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

    .globl vmx_exit_entry
vmx_exit_entry:
    /* rsp = HOST_RSP, every other register the guest's; interrupts off. */
    xchg %rdi, (%rsp)               /* rdi = registers, stack = guest rdi */
    mov %rax, REG_RAX(%rdi)
    mov %rbx, REG_RBX(%rdi)
    mov %rcx, REG_RCX(%rdi)
    mov %rdx, REG_RDX(%rdi)
    mov %rsi, REG_RSI(%rdi)
    mov %rbp, REG_RBP(%rdi)
    mov %r8, REG_R8(%rdi)
    mov %r9, REG_R9(%rdi)
    mov %r10, REG_R10(%rdi)
    mov %r11, REG_R11(%rdi)
    mov %r12, REG_R12(%rdi)
    mov %r13, REG_R13(%rdi)
    mov %r14, REG_R14(%rdi)
    mov %r15, REG_R15(%rdi)
    popq REG_RDI(%rdi)

    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    xor %eax, %eax
    ret
