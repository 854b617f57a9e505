/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library OS's way in for exceptions and interrupts: one stub per IDT
 * vector (kernel/trap.c builds the gates), each 16 bytes long at
 * trap_stubs + 16 * vector. A stub pushes a zero where the processor
 * pushes no error code, then the vector, and joins trap_common, which
 * saves every general register and the FPU/SSE state (the C it calls may
 * use SSE, and an interrupt or a spurious page fault returns to code that
 * has live SSE registers), calls trap_handle(frame) and returns with
 * IRETQ. Every gate switches to an IST stack, so nothing here touches the
 * interrupted stack: code built with the red zone keeps its 128 bytes
 * below RSP, and an overflowed stack still gets a report.
 *
 * The frame trap_handle gets is struct trap_frame (kernel/private.h):
 * r15 .. rax as pushed below, the vector, the error code, then the
 * processor's RIP, CS, RFLAGS, RSP, SS.
 */

#define FXSAVE_SIZE 512

/* Vectors where the processor pushes an error code. */
#define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                      (v) == 29 || (v) == 30)

    .text
    .balign 16
    .globl trap_stubs
trap_stubs:
    vector = 0
    .rept 256
    .balign 16
    .if !HAS_ERROR(vector)
    pushq $0
    .endif
    pushq $vector
    jmp trap_common
    vector = vector + 1
    .endr
    /* At most 2 + 5 + 5 bytes each: .balign keeps them 16 apart. */

    .type trap_common, @function
trap_common:
    cld
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
    mov %rsp, %rbx                  /* the frame; callee-saved across the call */
    and $-16, %rsp
    sub $FXSAVE_SIZE, %rsp
    fxsave64 (%rsp)
    mov %rbx, %rdi
    xor %ebp, %ebp                  /* backtraces of the library OS stop here */
    call trap_handle
    fxrstor64 (%rsp)
    mov %rbx, %rsp
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
    add $16, %rsp                   /* the vector and the error code */
    iretq
    .size trap_common, . - trap_common

/*
 * trap_load_gdt(gdtr, tss_selector): load the GDT, reload every segment
 * register from it (CS through a far return), then the task register. FS and GS are not reloaded: their bases (the
 * thread pointer) live in MSRs, which writing the selectors would reset.
 */
    .globl trap_load_gdt
    .type trap_load_gdt, @function
trap_load_gdt:
    lgdt (%rdi)
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    pushq $0x08
    lea 1f(%rip), %rax
    push %rax
    lretq
1:  ltr %si
    ret
    .size trap_load_gdt, . - trap_load_gdt
