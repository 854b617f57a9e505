/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bringing up the application processors the ACPI MADT lists: each gets a
 * stack and interrupt stacks (with guard pages), a GDT and TSS, its per-CPU
 * block, and is started with INIT-SIPI-SIPI through trampoline.S. Then it
 * sets itself up like the boot CPU did and joins the scheduler.
 */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/hvm.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <hv/sched.h>
#include <string.h>

/* Per AP, one 16-page block: guard, 4 pages of stack, then three pairs of
 * guard + 2 pages for the double-fault, NMI and machine-check stacks. */
#define AP_STACK_ORDER 4
#define AP_STACK_TOP(b) ((b) + 5 * PAGE_SIZE)
#define AP_IST_TOP(b, i) ((b) + (8 + 3 * (i)) * PAGE_SIZE)

struct percpu percpu[CPU_MAX] __aligned(64);
unsigned int nr_cpus_online = 1;
BUILD_BUG_ON(sizeof(struct percpu) != PERCPU_SIZE);
BUILD_BUG_ON(__builtin_offsetof(struct percpu, canary) != 0x28);

extern const char trampoline_start[], trampoline_end[];
void ap_entry64(void);
void ap_main(unsigned int cpu);

void smp_prepare_trampoline(void)
{
    BUILD_BUG_ON(TRAMPOLINE_DATA != TRAMPOLINE_BASE + PAGE_SIZE);
    BUG_ON(trampoline_end - trampoline_start > (long)PAGE_SIZE);
    memcpy((void *)(uintptr_t)TRAMPOLINE_BASE, trampoline_start,
           (size_t)(trampoline_end - trampoline_start));
}

static void kick_interrupt(unsigned int vector)
{
    /* The interrupt itself made the CPU leave guest mode or hlt; it may
     * also ask for a moved vCPU's FPU state. */
    if (__atomic_exchange_n(&this_cpu()->fpu_flush, false, __ATOMIC_ACQ_REL))
        hvm_fpu_flush();
}

void smp_kick(unsigned int cpu)
{
    if (cpu != this_cpu()->cpu_id && percpu[cpu].online)
        lapic_send_ipi(percpu[cpu].apic_id, VECTOR_KICK);
}

void ap_main(unsigned int cpu)
{
    uint64_t block = percpu[cpu].reserved;

    cpu_setup();
    gdt_init(cpu, AP_IST_TOP(block, 0), AP_IST_TOP(block, 1), AP_IST_TOP(block, 2));
    traps_load();
    lapic_init();
    if (hvm->cpu_init && hvm->cpu_init()) {
        printk(LOG_ERR "hv: cpu%u: the vCPU back end does not start here; it stays idle\n",
               cpu);
        percpu[cpu].online = true;
        for (;;)
            arch_idle();
    }
    percpu[cpu].online = true;
    sched_run_cpu();
}

static bool start_ap(unsigned int cpu, uint32_t apic_id)
{
    volatile uint64_t *data = (volatile uint64_t *)(uintptr_t)TRAMPOLINE_DATA;
    uint64_t block, deadline;
    mfn_t mfn;

    if (page_alloc(AP_STACK_ORDER, &mfn)) {
        printk(LOG_ERR "hv: smp: no memory for cpu%u's stacks\n", cpu);
        return false;
    }
    block = (uint64_t)(uintptr_t)arch_frame_virt(mfn);
    for (unsigned int guard = 0; guard < 4; guard++)
        paging_make_guard(block + (guard == 0 ? 0 : 5 + 3 * (guard - 1)) * PAGE_SIZE);
    percpu[cpu].self = &percpu[cpu];
    percpu[cpu].cpu_id = cpu;
    percpu[cpu].apic_id = apic_id;
    percpu[cpu].reserved = block;

    data[TRAMP_CR3 / 8] = read_cr3();
    data[TRAMP_STACK / 8] = AP_STACK_TOP(block);
    data[TRAMP_ENTRY / 8] = (uint64_t)(uintptr_t)ap_entry64;
    data[TRAMP_CPU / 8] = cpu;

    /* INIT, then two startup IPIs, with the waits the MP spec asks for. */
    lapic_send_init(apic_id);
    lapic_delay_us(10000);
    for (int i = 0; i < 2 && !percpu[cpu].online; i++) {
        lapic_send_startup(apic_id, TRAMPOLINE_BASE >> PAGE_SHIFT);
        lapic_delay_us(200);
    }
    deadline = arch_time_ns() + 200000000ull; /* 200 ms */
    while (!percpu[cpu].online && arch_time_ns() < deadline)
        cpu_relax();
    if (!percpu[cpu].online) {
        printk(LOG_ERR "hv: smp: cpu%u (APIC %u) did not start\n", cpu, apic_id);
        return false;
    }
    return true;
}

void smp_init(const struct boot_info *bi, unsigned int max_cpus)
{
    uint32_t ids[CPU_MAX];
    unsigned int n = acpi_find_cpus(bi->have_rsdp ? (uint64_t)(uintptr_t)bi->rsdp : 0, ids,
                                    CPU_MAX);

    trap_set_irq_handler(VECTOR_KICK, kick_interrupt);
    percpu[0].online = true;
    for (unsigned int i = 0; i < n && nr_cpus_online < max_cpus; i++) {
        if (ids[i] == percpu[0].apic_id)
            continue;
        if (start_ap(nr_cpus_online, ids[i]))
            nr_cpus_online++;
    }
    printk("hv: smp: %u CPU%s online (%u listed by ACPI)\n", nr_cpus_online,
           nr_cpus_online == 1 ? "" : "s", n ? n : 1);
}
