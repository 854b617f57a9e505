/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time: the TSC frequency (from CPUID when the CPU states it, otherwise
 * measured against the PIT), the LAPIC timer's frequency (measured against
 * the TSC), and arch_time_ns() for common code.
 */
#include <asm/apic.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/lib.h>

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_GATE 0x61

uint64_t tsc_hz;
static uint64_t tsc_at_boot;

/* TSC frequency as CPUID leaves 0x15/0x16 state it, or 0. */
static uint64_t tsc_hz_from_cpuid(const char **how)
{
    uint32_t max = cpuid(0, 0).eax;
    struct cpuid_regs r;

    if (max >= 0x15) {
        r = cpuid(0x15, 0);
        if (r.eax && r.ebx && r.ecx) {
            *how = "cpuid 0x15";
            return (uint64_t)r.ecx * r.ebx / r.eax;
        }
    }
    if (max >= 0x16) {
        r = cpuid(0x16, 0);
        if (r.eax) {
            *how = "cpuid 0x16";
            return (uint64_t)r.eax * 1000000u;
        }
    }
    return 0;
}

/* Count TSC ticks over 50 ms of PIT channel 2 (mode 0, gate on, no speaker). */
static uint64_t tsc_hz_from_pit(void)
{
    uint32_t count = PIT_HZ / 20;
    uint64_t t0, t1;

    outb(PIT_GATE, (uint8_t)((inb(PIT_GATE) & ~0x02) | 0x01));
    outb(PIT_MODE, 0xb0);
    outb(PIT_CH2, (uint8_t)count);
    outb(PIT_CH2, (uint8_t)(count >> 8));
    t0 = rdtsc();
    for (uint64_t spins = 0; !(inb(PIT_GATE) & 0x20); spins++)
        if (spins > 100000000u)
            panic("the PIT does not count: cannot measure the TSC frequency");
    t1 = rdtsc();
    return (t1 - t0) * 20;
}

uint64_t arch_time_ns(void)
{
    return (uint64_t)(((unsigned __int128)(rdtsc() - tsc_at_boot) * 1000000000u) / tsc_hz);
}

void arch_timer_set(uint64_t deadline)
{
    uint64_t now = arch_time_ns();

    if (deadline == UINT64_MAX)
        lapic_timer_oneshot(0);
    else
        lapic_timer_oneshot(deadline > now ? deadline - now : 1);
}

void arch_idle(void)
{
    /* sti takes effect after hlt begins, so no interrupt slips in between. */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

static void timer_interrupt(unsigned int vector)
{
    /* Nothing to do here: the scheduler looks at the time when it runs. */
}

void time_init(void)
{
    const char *how = "measured against the PIT";
    uint64_t t0, ticks;
    uint32_t start;

    tsc_at_boot = rdtsc();
    tsc_hz = tsc_hz_from_cpuid(&how);
    if (!tsc_hz)
        tsc_hz = tsc_hz_from_pit();

    /* LAPIC timer: count down for 10 ms of TSC time. */
    start = lapic_timer_start_calibration();
    t0 = rdtsc();
    while (rdtsc() - t0 < tsc_hz / 100)
        cpu_relax();
    ticks = start - lapic_timer_current();
    lapic_timer_hz = ticks * 100;

    trap_set_irq_handler(VECTOR_TIMER, timer_interrupt);
    printk("hv: time: TSC %lu.%03lu MHz (%s%s), LAPIC timer %lu.%03lu MHz\n",
           tsc_hz / 1000000, tsc_hz / 1000 % 1000, how,
           cpu_features.invariant_tsc ? ", invariant" : "", lapic_timer_hz / 1000000,
           lapic_timer_hz / 1000 % 1000);
}
