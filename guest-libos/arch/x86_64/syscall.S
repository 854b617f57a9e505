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
 * are kept across the call. The callee-saved registers are pushed too, so
 * that the frame is a complete picture of the caller (struct
 * syscall_frame in kernel/thread.h), and its address goes to the vCPU's
 * %gs:PERCPU_SYSCALL_FRAME: clone copies it for the new thread, which
 * then leaves through libos_syscall_return as if it had made the call.
 *
 * Each entry first brings this vCPU's TLB up to date with the page tables
 * (paging_sync: another vCPU may have changed them, and there are no IPIs
 * to tell this one).
 */

#define RED_ZONE 128
#define FXSAVE_SIZE 512
#define PERCPU_SYSCALL_FRAME 8 /* struct percpu, kernel/thread.h */
#define PERCPU_EXIT_STACK 24
#define SYS_exit 60
#define MSR_FS_BASE 0xc0000100

    .text
    .globl libos_syscall_entry
    .type libos_syscall_entry, @function
libos_syscall_entry:
    /* A thread's exit never returns, and its stack and thread control
     * block may be gone already (musl's detached threads unmap both
     * first): where the vCPU has an exit stack, the call runs there, on
     * the boot TCB (whose canary is the same). Any register is free. */
    cmp $SYS_exit, %eax
    jne 1f
    mov %gs:PERCPU_EXIT_STACK, %rcx
    test %rcx, %rcx
    jz 1f
    mov %rcx, %rsp
    mov %rdi, %r12                  /* the exit code */
    mov $libos_tcb, %eax
    xor %edx, %edx
    mov $MSR_FS_BASE, %ecx
    wrmsr
    mov %r12, %rdi
    xor %ebp, %ebp
    call thread_exit
1:
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
    push %r9
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    push %rbp                       /* twelve pushes: still 16-byte aligned */
    mov %rsp, %gs:PERCPU_SYSCALL_FRAME
    push %rax
    push %rax
    call paging_sync
    pop %rax
    pop %rax
    mov 48(%rsp), %r9               /* the arguments, as saved above */
    mov 56(%rsp), %r8
    mov 64(%rsp), %r10
    mov 72(%rsp), %rdx
    mov 80(%rsp), %rsi
    mov 88(%rsp), %rdi

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

    .globl libos_syscall_return
libos_syscall_return:               /* rsp: the frame; rax: the result */
    pop %rbp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
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
