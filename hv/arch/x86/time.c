/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time: the TSC frequency (from CPUID when the CPU states it, otherwise
 * measured against the PIT), the LAPIC timer's frequency (measured against
 * the TSC), and arch_time_ns() for common code.
 */
#include <asm/apic.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <string.h>

#define PIT_HZ 1193182u
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_GATE 0x61

uint64_t tsc_hz;
static uint64_t tsc_at_boot;
static uint32_t tsc_mul;  /* pvclock scale: ns = ((ticks << shift) * mul) >> 32 */
static int8_t tsc_shift;
static uint64_t wallclock_sec; /* Unix time at system time 0 */

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

/* The one formula for system time, shared with guests (pvclock). */
static uint64_t ticks_to_ns(uint64_t ticks)
{
    ticks = tsc_shift >= 0 ? ticks << tsc_shift : ticks >> -tsc_shift;
    return (uint64_t)(((unsigned __int128)ticks * tsc_mul) >> 32);
}

uint64_t arch_time_ns(void)
{
    return ticks_to_ns(rdtsc() - tsc_at_boot);
}

void arch_time_scale(uint64_t *tsc, uint64_t *now, uint32_t *mul, int8_t *shift)
{
    *tsc = rdtsc();
    *now = ticks_to_ns(*tsc - tsc_at_boot);
    *mul = tsc_mul;
    *shift = tsc_shift;
}

/* Choose shift so that mul = 2^32 * 10^9 / (tsc_hz * 2^shift) fits in 32
 * bits with as much precision as possible. */
static void set_scale(void)
{
    uint64_t hz = tsc_hz;
    int shift = 0;

    while (hz < 1000000000u) {
        hz <<= 1;
        shift++;
    }
    while (hz >= 2000000000u) {
        hz >>= 1;
        shift--;
    }
    tsc_shift = (int8_t)shift;
    tsc_mul = (uint32_t)((1000000000ull << 32) / hz);
}

/* CMOS real-time clock: read twice until two reads agree, so an update in
 * between cannot tear the value. */
static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned int bcd(uint8_t v, bool binary)
{
    return binary ? v : (v & 0xf) + (v >> 4) * 10u;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static uint64_t days_from_civil(unsigned int y, unsigned int m, unsigned int d)
{
    unsigned int era, yoe, doy, doe;

    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (uint64_t)era * 146097 + doe - 719468;
}

static uint64_t rtc_read(void)
{
    uint8_t r[2][6];
    uint8_t status_b;
    bool binary, pm;
    unsigned int hour, year;

    do {
        for (unsigned int pass = 0; pass < 2; pass++) {
            while (cmos_read(0x0a) & 0x80)
                cpu_relax(); /* update in progress */
            r[pass][0] = cmos_read(0x00);
            r[pass][1] = cmos_read(0x02);
            r[pass][2] = cmos_read(0x04);
            r[pass][3] = cmos_read(0x07);
            r[pass][4] = cmos_read(0x08);
            r[pass][5] = cmos_read(0x09);
        }
    } while (memcmp(r[0], r[1], sizeof(r[0])));
    status_b = cmos_read(0x0b);
    binary = status_b & 0x04;
    pm = !(status_b & 0x02) && (r[0][2] & 0x80);
    hour = bcd(r[0][2] & 0x7f, binary) % 24;
    if (!(status_b & 0x02) && hour == 12)
        hour = 0;
    hour += pm ? 12 : 0;
    year = 2000 + bcd(r[0][5], binary);
    return days_from_civil(year, bcd(r[0][4], binary), bcd(r[0][3], binary)) * 86400 +
           hour * 3600u + bcd(r[0][1], binary) * 60u + bcd(r[0][0], binary);
}

uint64_t arch_tsc_hz(void)
{
    return tsc_hz;
}

unsigned int arch_nr_cpus(void)
{
    return nr_cpus_online;
}

void arch_wallclock(uint64_t *sec, uint32_t *nsec)
{
    *sec = wallclock_sec;
    *nsec = 0;
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
    set_scale();
    /* The RTC counts whole seconds; system time 0 was a moment ago. */
    wallclock_sec = rtc_read() - arch_time_ns() / 1000000000u;

    /* LAPIC timer: count down for 10 ms of TSC time. */
    start = lapic_timer_start_calibration();
    t0 = rdtsc();
    while (rdtsc() - t0 < tsc_hz / 100)
        cpu_relax();
    ticks = start - lapic_timer_current();
    lapic_timer_set_rate(ticks * 100);

    trap_set_irq_handler(VECTOR_TIMER, timer_interrupt);
    printk("hv: time: TSC %lu.%03lu MHz (%s%s), LAPIC timer %lu.%03lu MHz, wall clock %lu\n",
           tsc_hz / 1000000, tsc_hz / 1000 % 1000, how,
           cpu_features.invariant_tsc ? ", invariant" : "", lapic_timer_hz / 1000000,
           lapic_timer_hz / 1000 % 1000, wallclock_sec);
}
