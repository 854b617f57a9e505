/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library OS's GDT, TSSs and IDT. The GDT keeps the builder's code and
 * data selectors (HV_GUEST_SEL_CODE, HV_GUEST_SEL_DATA: an application
 * installing gates of its own still names them) and has one 64-bit TSS
 * per vCPU, at HV_GUEST_SEL_TSS + 16 * vCPU, so the task register also
 * says which vCPU runs. Every gate of the IDT switches to a stack of its
 * vCPU's TSS (IST), each with an unmapped guard page below it:
 *
 *   IST1  #DF                      a double fault is reported, whatever RSP was
 *   IST2  other exceptions         a stack overflow (#PF on the guard page)
 *                                  is reported, not a triple fault
 *   IST3  NMI, #MC                 may arrive inside another handler
 *   IST4  interrupts (the upcall)  never touch the interrupted stack, so
 *                                  code built with the red zone is safe
 *
 * The gates are interrupt gates: handlers run with interrupts off, so an
 * interrupt never lands on an IST stack that is in use. The hypervisor
 * sees the new IDT at the next exit (trap_load_cpu makes one) and from then
 * on delivers the vCPU's exceptions here instead of killing the domain
 * (public/start_info.h). An application that defines libos_no_traps
 * (exo/libos.h) gets the GDT and TSSs but no IDT.
 */
#include <errno.h>
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <stdint.h>
#include <sys/mman.h>

#include "private.h"

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define TSS_AVAILABLE 0x89  /* present, 64-bit TSS, not busy */
#define GDT_FIXED 3         /* null, code, data; then the TSSs */

enum { IST_DOUBLE_FAULT = 1, IST_EXCEPTION, IST_NMI, IST_INTERRUPT, IST_COUNT = IST_INTERRUPT };

/* Each IST stack's size; a guard page goes below each. */
static const unsigned long ist_pages[IST_COUNT] = {2, 4, 2, 4};

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed, aligned(16)));
_Static_assert(sizeof(struct tss) == 0x70, "TSS layout"); /* 0x68 and padding */

struct gate {
    uint16_t offset_low, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_high, reserved;
};
_Static_assert(sizeof(struct gate) == 16, "IDT gate layout");

struct table_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern const char trap_stubs[]; /* arch/x86_64/trap.S: 16 bytes per vector */
void trap_load_gdt(const struct table_pointer *gdtr, unsigned int tss_selector);
void trap_handle(struct trap_frame *f);

static uint64_t gdt[GDT_FIXED + 2 * VCPUS_MAX] __attribute__((aligned(16))) = {
    0,
    0x00af9b000000ffffull, /* 64-bit code, accessed */
    0x00cf93000000ffffull, /* data, accessed */
};
static struct tss tss[VCPUS_MAX];
static struct gate idt[256] __attribute__((aligned(16)));
static int idt_ready;

_Static_assert(HV_GUEST_SEL_CODE == 8 && HV_GUEST_SEL_DATA == 16 && HV_GUEST_SEL_TSS == 24,
               "the GDT keeps the builder's selectors");

static unsigned int gate_ist(unsigned int vector)
{
    if (vector == 8)
        return IST_DOUBLE_FAULT;
    if (vector == 2 || vector == 18)
        return IST_NMI;
    return vector < 32 ? IST_EXCEPTION : IST_INTERRUPT;
}

static void build_idt(void)
{
    for (unsigned int v = 0; v < 256; v++) {
        uint64_t handler = (uint64_t)(uintptr_t)(trap_stubs + 16 * v);

        idt[v] = (struct gate){
            .offset_low = (uint16_t)handler,
            .selector = HV_GUEST_SEL_CODE,
            .ist = (uint8_t)gate_ist(v),
            .type = GATE_INTERRUPT,
            .offset_mid = (uint16_t)(handler >> 16),
            .offset_high = (uint32_t)(handler >> 32),
        };
    }
    idt_ready = 1;
}

int trap_prepare_cpu(unsigned int cpu)
{
    static const char *const names[IST_COUNT] = {"the double-fault stack", "the exception stack",
                                                 "the NMI stack", "the interrupt stack"};
    unsigned long total = 0;
    uintptr_t p;

    if (cpu >= VCPUS_MAX)
        return -EINVAL;
    if (tss[cpu].ist[0])
        return 0;
    for (unsigned int i = 0; i < IST_COUNT; i++)
        total += 1 + ist_pages[i];
    p = (uintptr_t)memory_alloc_pages(total);
    if (!p)
        return -ENOMEM;
    for (unsigned int i = 0; i < IST_COUNT; i++) {
        paging_protect(p, p + PAGE_BYTES, PROT_NONE);
        crash_add_guard(p, names[i]);
        p += (1 + ist_pages[i]) * PAGE_BYTES;
        tss[cpu].ist[i] = p; /* the top: stacks grow down */
    }
    tss[cpu].iomap_base = sizeof(struct tss); /* no I/O bitmap */
    return 0;
}

void trap_load_cpu(unsigned int cpu)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss[cpu], limit = 0x67;
    struct table_pointer gdtr = {sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt};
    struct table_pointer idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
    uint32_t eax = 0, ecx = 0;

    /* Available again: a vCPU started a second time loads it again. */
    gdt[GDT_FIXED + 2 * cpu] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                               ((uint64_t)TSS_AVAILABLE << 40) | ((base >> 24 & 0xff) << 56);
    gdt[GDT_FIXED + 2 * cpu + 1] = base >> 32;
    trap_load_gdt(&gdtr, HV_GUEST_SEL_TSS + 16 * cpu);
    if (&libos_no_traps)
        return;
    __asm__ volatile("lidt %0" ::"m"(idtr));
    /* The hypervisor takes the IDT into account at this vCPU's next exit:
     * make one now (CPUID always exits), before anything can fault. */
    __asm__ volatile("cpuid" : "+a"(eax), "+c"(ecx)::"rbx", "rdx");
}

unsigned int trap_cpu_id(void)
{
    uint16_t tr;

    __asm__ volatile("str %0" : "=r"(tr));
    return tr >= HV_GUEST_SEL_TSS ? (unsigned int)(tr - HV_GUEST_SEL_TSS) / 16 : 0;
}

void trap_init(void)
{
    if (!idt_ready)
        build_idt();
    if (trap_prepare_cpu(0))
        libos_crash("no memory for the exception stacks");
    trap_load_cpu(0);
}

/* Until event.c has its own: acknowledge, as the events are polled. */
__attribute__((weak)) void event_upcall(void)
{
    struct hv_shared_info *shared = (struct hv_shared_info *)(uintptr_t)HV_GUEST_SHARED_INFO_GPA;

    __atomic_store_n(&shared->vcpu[trap_cpu_id()].upcall_pending, 0, __ATOMIC_SEQ_CST);
}

#define VECTOR_PF 14
#define PF_WRITE (1u << 1)
#define PF_RESERVED (1u << 3)
#define PF_FETCH (1u << 4)

/* The last page fault each vCPU retried: the same one again, with the
 * tables unchanged since, is real. */
static struct {
    uintptr_t rip, addr;
    uint64_t generation;
} retried[VCPUS_MAX];

/* From trap.S, on the gate's IST stack. */
void trap_handle(struct trap_frame *f)
{
    if (f->vector == HV_UPCALL_VECTOR) {
        event_upcall();
        return;
    }
    if (f->vector == VECTOR_PF && !(f->error & PF_RESERVED)) {
        unsigned int cpu = trap_cpu_id() % VCPUS_MAX;
        uint64_t generation = paging_generation();
        uintptr_t addr;
        int prot = f->error & PF_FETCH ? PROT_EXEC : f->error & PF_WRITE ? PROT_WRITE : PROT_READ;

        __asm__ volatile("mov %%cr2, %0" : "=r"(addr));
        /* A TLB entry older than the tables (another vCPU made the page
         * accessible): flush it and try again, once per change. */
        if (paging_allows(addr, 1, prot) &&
            (retried[cpu].rip != f->rip || retried[cpu].addr != addr ||
             retried[cpu].generation != generation)) {
            retried[cpu].rip = f->rip;
            retried[cpu].addr = addr;
            retried[cpu].generation = generation;
            __asm__ volatile("invlpg (%0)" ::"r"(addr) : "memory");
            return;
        }
    }
    crash_trap(f);
}
