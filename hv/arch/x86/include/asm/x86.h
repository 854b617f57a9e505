/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 architectural constants (control registers, MSRs, EFER, RFLAGS, page
 * table bits) and the one-instruction helpers arch code uses.
 */
#ifndef ASM_X86_H
#define ASM_X86_H

/* Constants usable from C and from assembly. */
#ifdef __ASSEMBLY__
#define _UL(x) x
#else
#define _UL(x) x##ull
#endif

#define X86_CR0_PE (_UL(1) << 0)
#define X86_CR0_MP (_UL(1) << 1)
#define X86_CR0_EM (_UL(1) << 2)
#define X86_CR0_TS (_UL(1) << 3)
#define X86_CR0_ET (_UL(1) << 4)
#define X86_CR0_NE (_UL(1) << 5)
#define X86_CR0_WP (_UL(1) << 16)
#define X86_CR0_AM (_UL(1) << 18)
#define X86_CR0_NW (_UL(1) << 29)
#define X86_CR0_CD (_UL(1) << 30)
#define X86_CR0_PG (_UL(1) << 31)

#define X86_CR4_PAE (_UL(1) << 5)
#define X86_CR4_PGE (_UL(1) << 7)
#define X86_CR4_OSFXSR (_UL(1) << 9)
#define X86_CR4_OSXMMEXCPT (_UL(1) << 10)
#define X86_CR4_FSGSBASE (_UL(1) << 16)
#define X86_CR4_OSXSAVE (_UL(1) << 18)
#define X86_CR4_SMEP (_UL(1) << 20)
#define X86_CR4_SMAP (_UL(1) << 21)

#define MSR_EFER 0xc0000080
#define EFER_SCE (_UL(1) << 0)
#define EFER_LME (_UL(1) << 8)
#define EFER_LMA (_UL(1) << 10)
#define EFER_NXE (_UL(1) << 11)
#define EFER_SVME (_UL(1) << 12)
#define EFER_FFXSR (_UL(1) << 14)

#define MSR_APIC_BASE 0x1b
#define MSR_PAT 0x277
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_TSC_AUX 0xc0000103
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176
#define MSR_VM_CR 0xc0010114
#define MSR_VM_HSAVE_PA 0xc0010117

#define X86_RFLAGS_IF (_UL(1) << 9)

#define PTE_P (_UL(1) << 0)
#define PTE_W (_UL(1) << 1)
#define PTE_U (_UL(1) << 2)
#define PTE_PWT (_UL(1) << 3)
#define PTE_PCD (_UL(1) << 4)
#define PTE_A (_UL(1) << 5)
#define PTE_D (_UL(1) << 6)
#define PTE_PS (_UL(1) << 7)
#define PTE_G (_UL(1) << 8)
#define PTE_NX (_UL(1) << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#define XCR0_X87 (_UL(1) << 0)
#define XCR0_SSE (_UL(1) << 1)
#define XCR0_AVX (_UL(1) << 2)

/* Segment selectors of the hypervisor's GDT (gdt.c). */
#define HV_CS 0x08
#define HV_DS 0x10
#define HV_TSS 0x18

#ifndef __ASSEMBLY__
#include <hv/types.h>

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

#define DEFINE_CR(n)                                                           \
    static inline uint64_t read_cr##n(void)                                    \
    {                                                                          \
        uint64_t v;                                                            \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                      \
        return v;                                                              \
    }                                                                          \
    static inline void write_cr##n(uint64_t v)                                 \
    {                                                                          \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");               \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t v;

    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t v;

    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void xsetbv(uint32_t index, uint64_t v)
{
    __asm__ volatile("xsetbv" ::"c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t xgetbv(uint32_t index)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_relax(void) { __asm__ volatile("pause"); }
static inline void halt(void) { __asm__ volatile("hlt"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

#endif /* __ASSEMBLY__ */
#endif
