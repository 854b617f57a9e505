/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Switching between library-OS threads (kernel/thread.c). A switch is a
 * function call, so only what the C ABI says a callee preserves is saved:
 * rbx, rbp, r12-r15, the MXCSR and the x87 control word, pushed on the
 * old thread's stack; the stack pointer is all a thread record keeps.
 * Everything else a thread had when it entered a system call is in the
 * frame syscall.S pushed, further up its stack.
 *
 * A saved stack, from the saved stack pointer up:
 *     MXCSR (4 bytes), x87 control word (2), 2 unused, r15, r14, r13, r12,
 *     rbx, rbp, return address
 * which thread.c also builds by hand for a thread that never ran.
 */

    .text
/* void thread_switch(uint64_t *save_rsp, uint64_t rsp) */
    .globl thread_switch
    .type thread_switch, @function
thread_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size thread_switch, . - thread_switch

/*
 * Where a new thread's first switch returns to: its stack pointer is at
 * the copy of its parent's system-call frame that clone built, so it
 * leaves the clone call the way its parent will, with 0 in rax.
 */
    .globl thread_child_entry
    .type thread_child_entry, @function
thread_child_entry:
    call thread_child_start
    xor %eax, %eax
    jmp libos_syscall_return
    .size thread_child_entry, . - thread_child_entry
