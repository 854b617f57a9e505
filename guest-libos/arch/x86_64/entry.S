/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The first instructions of a unikernel. The hypervisor enters in 64-bit
 * mode with the start-info tree in rdi and no stack (public/start_info.h).
 * Set up the boot stack and the thread control block (%fs: the stack
 * protector's canary is at %fs:0x28), then call libos_start(start_info).
 */
#define MSR_FS_BASE 0xc0000100

    .section .text.entry, "ax"
    .globl _start
_start:
    mov $boot_stack_top, %rsp
    mov %rdi, %r12

    /* %fs -> the TCB, whose first word points to itself. */
    mov $libos_tcb, %rax
    mov %rax, (%rax)
    mov %rax, %rdx
    shr $32, %rdx
    mov $MSR_FS_BASE, %ecx
    wrmsr
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    rol $29, %rax
    /* A zero second byte, as musl's canary from AT_RANDOM has it (start.c
     * passes this value on) and as stops string overflows. */
    and $~0xff00, %rax
    mov %rax, libos_tcb + 0x28

    mov %r12, %rdi
    xor %ebp, %ebp
    call libos_start
1:  hlt
    jmp 1b

    .bss
    .balign 64
    .globl libos_tcb
libos_tcb:
    .skip 256
    /* Unmapped by kernel/paging.c: an overflow of the boot stack (the
     * main thread's) faults there and is reported. */
    .balign 4096
    .globl boot_stack_guard
boot_stack_guard:
    .skip 4096
boot_stack:
    .skip 65536
boot_stack_top:

/*
 * Where a secondary vCPU starts (libos_vcpu_start): rdi points to its start
 * block {stack top, TCB, function, argument, page tables, vCPU id}. It
 * switches from the builder's page tables to the library OS's, gets its
 * own stack and TCB, its GDT, TSS and IDT (trap_load_cpu) and the SYSCALL
 * MSRs (they are per vCPU), runs the function, and stops itself when that
 * returns.
 */
    .text
    .globl libos_secondary_entry
libos_secondary_entry:
    mov 32(%rdi), %rax
    mov %rax, %cr3
    mov 0(%rdi), %rsp
    mov %rdi, %r12
    mov 8(%rdi), %rax                       /* TCB: self pointer, canary */
    mov %rax, (%rax)
    mov %rax, %rdx
    shr $32, %rdx
    mov $MSR_FS_BASE, %ecx
    wrmsr
    mov 8(%r12), %rax
    mov libos_tcb + 0x28, %rdx
    mov %rdx, 0x28(%rax)
    xor %ebp, %ebp
    mov 40(%r12), %rdi
    call trap_load_cpu
    call syscall_init_cpu
    mov 24(%r12), %rdi
    call *16(%r12)
    call libos_vcpu_exit
2:  hlt
    jmp 2b
