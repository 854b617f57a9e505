/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where application processors start: the startup IPI points them at
 * TRAMPOLINE_BASE (below 1 MiB) in 16-bit real mode. smp.c copies this code
 * there and the parameters into the page after it; the code goes through
 * protected mode into long mode on the hypervisor's own page tables and
 * jumps to ap_entry64 on the stack it was given. The code page is mapped
 * read-only and executable, the parameter page writable and not executable,
 * so the descriptors' accessed bits are preset: the CPU never writes here.
 */
#include <asm/smp.h>
#include <asm/x86.h>

#define ADDR(x) (TRAMPOLINE_BASE + ((x) - trampoline_start))

    .section .rodata
    .balign 16
    .globl trampoline_start, trampoline_end
trampoline_start:
    .code16
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl ADDR(tramp_gdt_desc)
    mov %cr0, %eax
    or $X86_CR0_PE, %eax
    mov %eax, %cr0
    ljmpl $0x08, $ADDR(tramp32)

    .code32
tramp32:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %cr4, %eax
    or $X86_CR4_PAE, %eax
    mov %eax, %cr4
    mov TRAMPOLINE_DATA + TRAMP_CR3, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $(EFER_LME | EFER_NXE), %eax
    wrmsr
    mov %cr0, %eax
    or $(X86_CR0_PG | X86_CR0_WP), %eax
    mov %eax, %cr0
    ljmpl $0x18, $ADDR(tramp64)

    .code64
tramp64:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov TRAMPOLINE_DATA + TRAMP_STACK, %rsp
    mov TRAMPOLINE_DATA + TRAMP_CPU, %edi
    mov TRAMPOLINE_DATA + TRAMP_ENTRY, %rax
    jmp *%rax

    .balign 8
tramp_gdt:
    .quad 0
    .quad 0x00cf9b000000ffff                /* 0x08: 32-bit code, accessed */
    .quad 0x00cf93000000ffff                /* 0x10: data, accessed */
    .quad 0x00af9b000000ffff                /* 0x18: 64-bit code, accessed */
tramp_gdt_desc:
    .short tramp_gdt_desc - tramp_gdt - 1
    .long ADDR(tramp_gdt)
trampoline_end:
