/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SYSCALL instruction's way into the library OS (MSR_LSTAR points
 * here). musl issues `syscall` inline, and in a unikernel the caller is
 * already in ring 0, so the processor changes nothing but RIP, RCX (the
 * return address), R11 (the caller's RFLAGS) and RFLAGS (IF, DF, TF, AC
 * and NT cleared by MSR_SFMASK). This stub runs on the caller's stack,
 * calls libos_syscall(nr, a1, ..., a6) and returns by hand: SYSRET would
 * drop to ring 3.
 *
 * The Linux ABI says a system call preserves every register but RAX, RCX
 * and R11 -- including the SSE state, which compiled C in the library OS
 * may use -- so the caller-saved argument registers and the FXSAVE area
 * are kept across the call.
 *
 * Each entry first brings this vCPU's TLB up to date with the page tables
 * (paging_sync: another vCPU may have changed them, and there are no IPIs
 * to tell this one).
 */

#define RED_ZONE 128
#define FXSAVE_SIZE 512

    .text
    .globl libos_syscall_entry
    .type libos_syscall_entry, @function
libos_syscall_entry:
    /* Code compiled for user space keeps live data in the 128 bytes
     * under RSP; step over them before pushing anything. */
    lea -RED_ZONE(%rsp), %rsp
    push %r11                       /* the caller's RFLAGS */
    push %rcx                       /* the return address */
    push %rbp                       /* a frame, so backtraces walk through */
    mov %rsp, %rbp
    and $-16, %rsp
    sub $FXSAVE_SIZE, %rsp          /* stays 16-byte aligned for FXSAVE */
    fxsave64 (%rsp)
    push %rdi
    push %rsi
    push %rdx
    push %r10
    push %r8
    push %r9                        /* six pushes: still 16-byte aligned */
    push %rax
    push %rax
    call paging_sync
    pop %rax
    pop %rax
    mov 0(%rsp), %r9                /* the arguments, as saved above */
    mov 8(%rsp), %r8
    mov 16(%rsp), %r10
    mov 24(%rsp), %rdx
    mov 32(%rsp), %rsi
    mov 40(%rsp), %rdi

    /* System call registers (rax; rdi rsi rdx r10 r8 r9) to the C ABI
     * (rdi; rsi rdx rcx r8 r9, then the stack for the seventh). */
    sub $8, %rsp
    push %r9
    mov %r8, %r9
    mov %r10, %r8
    mov %rdx, %rcx
    mov %rsi, %rdx
    mov %rdi, %rsi
    mov %rax, %rdi
    call libos_syscall
    add $16, %rsp

    pop %r9
    pop %r8
    pop %r10
    pop %rdx
    pop %rsi
    pop %rdi
    fxrstor64 (%rsp)
    mov %rbp, %rsp
    pop %rbp
    pop %rcx
    pop %r11
    /* As after SYSRET, R11 holds the flags; restoring them may enable
     * interrupts, which is safe here: RSP is still below the red zone. */
    push %r11
    popfq
    lea RED_ZONE(%rsp), %rsp
    jmp *%rcx
    .globl libos_syscall_entry_end
libos_syscall_entry_end:
    .size libos_syscall_entry, . - libos_syscall_entry
