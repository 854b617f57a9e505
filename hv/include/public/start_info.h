/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The guest entry contract: how a domain is laid out and entered. The
 * hypervisor's builder, the control domain's builder and both vCPU back ends
 * (AMD-V and VT-x) honour it; the library OS relies on it.
 *
 * Guest-physical layout. A domain's memory is guest-physical [0, size), where
 * size is a multiple of 2 MiB and at least HV_GUEST_MIN_MEMORY. The first
 * megabyte is laid out by the builder:
 *
 *   0x00000  4 KiB  never mapped by the initial page tables (catches NULL)
 *   0x01000  4 KiB  GDT and TSS of the boot vCPU            HV_GUEST_GDT_GPA
 *   0x02000  4 KiB  shared-info page                        HV_GUEST_SHARED_INFO_GPA
 *   0x03000  4 KiB  console ring page (public/console.h)    HV_GUEST_CONSOLE_GPA
 *   0x04000 48 KiB  start-info device tree                  HV_GUEST_START_INFO_GPA
 *   0x10000 64 KiB  initial page tables                     HV_GUEST_PT_GPA
 *   0x20000 ...     free for the guest, up to 1 MiB
 *   1 MiB   ...     the ELF image, then free memory to the end
 *
 * ELF image: a 64-bit little-endian x86-64 ET_EXEC file. Each PT_LOAD segment
 * is copied to guest-physical p_paddr (not p_vaddr); bytes between p_filesz
 * and p_memsz are zeroed. Segments must lie inside [HV_GUEST_IMAGE_MIN,
 * size), must not overlap each other, and the entry point must fall inside
 * an executable segment. Every other byte of guest memory starts as zero.
 *
 * Initial page tables (at HV_GUEST_PT_GPA, 4-level): an identity map
 * (virtual = guest-physical) of the domain's memory up to
 * HV_GUEST_PT_MAX_MAPPED, writable and executable, supervisor-only. The
 * first 2 MiB use 4 KiB pages and leave page 0 unmapped; the rest use 2 MiB
 * pages. The guest may replace these tables at will.
 *
 * Registers at the first instruction (64-bit mode, CPL 0):
 *   rip    = ELF entry point
 *   rdi    = HV_GUEST_START_INFO_GPA (the start-info device tree)
 *   rsp    = 0: the guest sets up its own stack before any call
 *   rflags = 0x2 (interrupts off); all other general registers are 0
 *   cr0    = PE | MP | ET | NE | WP | PG               (HV_GUEST_CR0)
 *   cr3    = HV_GUEST_PT_GPA
 *   cr4    = PAE | OSFXSR | OSXMMEXCPT                 (HV_GUEST_CR4)
 *   efer   = SCE | LME | LMA | NXE                     (HV_GUEST_EFER)
 *   cs     = HV_GUEST_SEL_CODE (64-bit, DPL 0); ss, ds, es = HV_GUEST_SEL_DATA;
 *   fs, gs = 0 with base 0; tr = HV_GUEST_SEL_TSS (64-bit TSS in the GDT page)
 *   gdtr   = HV_GUEST_GDT_GPA, 5 descriptors; idtr = base 0, limit 0
 *   pat    = 0x0007040600070406 (power-on default)
 *   xcr0   = x87 | SSE; the guest may enable more with XSETBV if CPUID says so
 *   x87/SSE state as after FNINIT, MXCSR = 0x1f80
 *
 * Until the guest loads an IDT with a non-zero limit, the faults it takes are
 * fatal: the hypervisor kills the domain and reports the vector, RIP, error
 * code and faulting address. The hypervisor notices a new IDT at the guest's
 * next exit (a hypercall will do). A triple fault also kills the domain, and
 * so does HLT while nothing exists that could wake the vCPU.
 *
 * Start-info device tree (flattened device tree, version 17, at rdi). Cells
 * are big-endian as in every FDT; addresses and sizes use two cells.
 *
 *   / {
 *       compatible = "exovisor,start-info";
 *       #address-cells = <2>; #size-cells = <2>;
 *       exovisor,abi-version = <HV_ABI_VERSION>;
 *       exovisor,domain-id = <id>;
 *       chosen { bootargs = "command line"; };
 *       memory@0 { device_type = "memory"; reg = <0 0  size>; };
 *       cpus { #address-cells = <1>; #size-cells = <0>;
 *              cpu@0 { device_type = "cpu"; reg = <0>; }; ... };
 *       hypervisor {
 *           compatible = "exovisor";
 *           shared-info = <HV_GUEST_SHARED_INFO_GPA as 2 cells>;
 *           console-ring = <HV_GUEST_CONSOLE_GPA as 2 cells>;
 *       };
 *   };
 *
 * A guest must ignore nodes and properties it does not know.
 */
#ifndef HV_PUBLIC_START_INFO_H
#define HV_PUBLIC_START_INFO_H

#define HV_GUEST_GDT_GPA 0x1000u
#define HV_GUEST_SHARED_INFO_GPA 0x2000u
#define HV_GUEST_CONSOLE_GPA 0x3000u
#define HV_GUEST_START_INFO_GPA 0x4000u
#define HV_GUEST_START_INFO_MAX 0xc000u
#define HV_GUEST_PT_GPA 0x10000u
#define HV_GUEST_PT_SIZE 0x10000u
#define HV_GUEST_IMAGE_MIN 0x100000u

#define HV_GUEST_MIN_MEMORY (4ull << 20)
#define HV_GUEST_MEMORY_ALIGN (2ull << 20)
#define HV_GUEST_PT_MAX_MAPPED (8ull << 30)

#define HV_GUEST_SEL_CODE 0x08u
#define HV_GUEST_SEL_DATA 0x10u
#define HV_GUEST_SEL_TSS 0x18u

#define HV_GUEST_CR0 0x80010033ull
#define HV_GUEST_CR4 0x00000620ull
#define HV_GUEST_EFER 0x00000d01ull

#define HV_START_INFO_COMPATIBLE "exovisor,start-info"

#endif
