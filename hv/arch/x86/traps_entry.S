/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry stubs for all 256 vectors. Each pushes a dummy error code where the
 * CPU pushes none, then the vector number, and joins trap_common, which
 * saves the general registers as a struct trap_frame (asm/traps.h) and calls
 * trap_handler(). trap_entries[] lists the stubs for the IDT.
 */
#include <asm/traps.h>

#define HAS_ERROR_CODE(v) \
    ((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || (v) == 14 || \
     (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

    .text
    .balign 16
trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    /* Align the stack for the call; the frame pointer keeps backtraces. */
    mov %rsp, %rbp
    and $-16, %rsp
    call trap_handler
    mov %rbp, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp
    iretq

    .macro stub v
    .balign 16
trap_stub_\v:
    .if !HAS_ERROR_CODE(\v)
    push $0
    .endif
    push $\v
    jmp trap_common
    .endm

    .altmacro
    .set v, 0
    .rept 256
    stub %v
    .set v, v + 1
    .endr

    .macro entry v
    .quad trap_stub_\v
    .endm

    .section .rodata
    .balign 8
    .globl trap_entries
trap_entries:
    .set v, 0
    .rept 256
    entry %v
    .set v, v + 1
    .endr
