/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Offsets in struct guest_regs (asm/hvm.h) for the entry stubs. The six
 * hypercall argument registers come first after rax and in the calling
 * convention's order (rdi, rsi, rdx, r10, r8, r9), so that a hypercall exit
 * hands them to the dispatcher in place instead of copying them.
 */
#ifndef ASM_GUEST_REGS_H
#define ASM_GUEST_REGS_H

#define REG_RAX 0
#define REG_RDI 8
#define REG_RSI 16
#define REG_RDX 24
#define REG_R10 32
#define REG_R8 40
#define REG_R9 48
#define REG_RBX 56
#define REG_RCX 64
#define REG_RBP 72
#define REG_R11 80
#define REG_R12 88
#define REG_R13 96
#define REG_R14 104
#define REG_R15 112

#endif
