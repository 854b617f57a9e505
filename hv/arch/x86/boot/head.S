/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entry from a multiboot1 (QEMU -kernel) or multiboot2 (GRUB) loader: 32-bit
 * protected mode, paging off. Builds a temporary identity map of the low
 * 4 GiB, enters long mode, sets up the boot CPU's stack and per-CPU block
 * (the stack protector reads its canary at %fs:0x28) and calls
 * hv_start(magic, info). paging.c replaces the temporary map with the real one.
 */
#include <asm/x86.h>

#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS ((1 << 0) | (1 << 1) | (1 << 16))
#define MB2_MAGIC 0xe85250d6
#define PERCPU_CANARY 0x28
#define PERCPU_SIZE 256

    .section .multiboot, "a"
    .balign 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)
    /* Address fields, so QEMU loads this ELF64 file as a flat image. */
    .long mb1_header
    .long __image_start
    .long __data_end
    .long __image_end
    .long _start

    .balign 8
mb2_header:
    .long MB2_MAGIC
    .long 0                                 /* i386 protected mode */
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
    .short 0, 0                             /* end tag */
    .long 8
mb2_header_end:

    .section .text.boot, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    mov %eax, magic_save
    mov %ebx, info_save
    mov $boot_stack_top, %esp

    /* Long mode is required; say so on COM1 if it is missing. */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc no_long_mode

    /* Temporary tables: PML4[0] -> PDPT, PDPT[0..3] -> 4 PDs of 2 MiB pages. */
    mov $boot_pml4, %edi
    xor %eax, %eax
    mov $(6 * 4096 / 4), %ecx
    rep stosl
    mov $boot_pml4, %ebx
    mov $boot_pdpt, %eax
    or $(PTE_P | PTE_W), %eax
    mov %eax, (%ebx)
    mov $boot_pdpt, %ebx
    mov $boot_pd, %eax
    or $(PTE_P | PTE_W), %eax
    mov $4, %ecx
1:  mov %eax, (%ebx)
    add $8, %ebx
    add $4096, %eax
    loop 1b
    mov $boot_pd, %ebx
    mov $(PTE_P | PTE_W | PTE_PS), %eax
    xor %edx, %edx
    mov $2048, %ecx
2:  mov %eax, (%ebx)
    mov %edx, 4(%ebx)
    add $8, %ebx
    add $0x200000, %eax
    adc $0, %edx
    loop 2b

    mov %cr4, %eax
    or $X86_CR4_PAE, %eax
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    wrmsr
    mov %cr0, %eax
    or $(X86_CR0_PG | X86_CR0_PE | X86_CR0_WP), %eax
    mov %eax, %cr0
    lgdt boot_gdt_desc
    ljmp $HV_CS, $start64

no_long_mode:
    mov $no_lm_msg, %esi
4:  lodsb
    test %al, %al
    jz 6f
    mov %al, %bl
    mov $0x3fd, %dx
5:  inb %dx, %al
    test $0x20, %al
    jz 5b
    mov %bl, %al
    mov $0x3f8, %dx
    outb %al, %dx
    jmp 4b
6:  hlt
    jmp 6b

    .code64
start64:
    mov $HV_DS, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    mov $boot_stack_top, %rsp

    /* Per-CPU block of the boot CPU (percpu[0]), with a canary from the TSC. */
    mov $percpu, %edi
    call set_percpu

    /* hv_start(magic, info): saved in edi/esi by the 32-bit code. */
    mov magic_save(%rip), %edi
    mov info_save(%rip), %esi
    xor %ebp, %ebp
    call hv_start
7:  cli
    hlt
    jmp 7b

/* %fs -> the per-CPU block at rdi, which gets a fresh canary. */
set_percpu:
    mov %rdi, (%rdi)                        /* self */
    mov %edi, %eax
    mov %rdi, %rdx
    shr $32, %rdx
    mov $MSR_FS_BASE, %ecx
    wrmsr
    rdtsc
    shl $32, %rdx
    or %rax, %rdx
    rol $17, %rdx
    xor %rdi, %rdx
    mov %rdx, PERCPU_CANARY(%rdi)
    ret

/* Application processors arrive here from trampoline.S, on their own
 * stack, with their index in edi: ap_main(cpu). */
    .globl ap_entry64
ap_entry64:
    mov %edi, %ebx
    imul $PERCPU_SIZE, %rdi, %rdi
    add $percpu, %rdi
    call set_percpu
    mov %ebx, %edi
    xor %ebp, %ebp
    call ap_main
8:  cli
    hlt
    jmp 8b

    .section .rodata
no_lm_msg:
    .asciz "hv: this CPU has no 64-bit long mode; use qemu-system-x86_64 -cpu max\r\n"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff                /* HV_CS: 64-bit code */
    .quad 0x00cf92000000ffff                /* HV_DS: data */
boot_gdt_end:
boot_gdt_desc:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .data
    .globl magic_save, info_save
magic_save: .long 0
info_save:  .long 0

    .section .bss.page_aligned, "aw", @nobits
    .balign 4096
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096
    /* Stacks, each above an unmapped guard page (paging.c). */
    .globl boot_stack_guard, boot_stack_top
boot_stack_guard: .skip 4096
boot_stack: .skip 16384
boot_stack_top:
    .globl ist_df_guard, ist_df_top, ist_nmi_guard, ist_nmi_top, ist_mc_guard, ist_mc_top
ist_df_guard: .skip 4096
    .skip 8192
ist_df_top:
ist_nmi_guard: .skip 4096
    .skip 8192
ist_nmi_top:
ist_mc_guard: .skip 4096
    .skip 8192
ist_mc_top:
