/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The local APIC in xAPIC mode: enabled with a spurious vector, its timer
 * used one-shot. Registers are reached through the identity map at the
 * address MSR_APIC_BASE gives.
 */
#include <asm/apic.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <hv/lib.h>

#define APIC_ID 0x020
#define APIC_EOI 0x0b0
#define APIC_SVR 0x0f0
#define APIC_ICR_LOW 0x300
#define APIC_ICR_HIGH 0x310
#define ICR_INIT 0x00000500u
#define ICR_STARTUP 0x00000600u
#define ICR_ASSERT 0x00004000u
#define ICR_PENDING 0x00001000u
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE 0x3e0
#define APIC_SVR_ENABLE (1u << 8)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_DIVIDE_16 0x3
#define APIC_BASE_ENABLE (1ull << 11)

static volatile uint32_t *lapic;
uint64_t lapic_timer_hz;

static uint32_t lapic_read(unsigned int reg) { return lapic[reg / 4]; }
static void lapic_write(unsigned int reg, uint32_t v) { lapic[reg / 4] = v; }

void lapic_eoi(void) { lapic_write(APIC_EOI, 0); }

/* The legacy 8259 PICs: moved off the exception vectors (the BIOS leaves
 * IRQ 0 on vector 8, where it would look like a double fault), then masked. */
static void pic_disable(void)
{
    static const uint8_t init[2][4] = {{0x11, 0x20, 0x04, 0x01}, {0x11, 0x28, 0x02, 0x01}};

    for (unsigned int i = 0; i < 2; i++) {
        uint16_t cmd = i ? 0xa0 : 0x20, data = cmd + 1;

        outb(cmd, init[i][0]); /* ICW1: edge, cascade, ICW4 follows */
        outb(data, init[i][1]); /* ICW2: vector base */
        outb(data, init[i][2]); /* ICW3: cascade wiring */
        outb(data, init[i][3]); /* ICW4: 8086 mode */
        outb(data, 0xff);       /* mask everything */
    }
}

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);

    if (this_cpu()->cpu_id == 0)
        pic_disable();
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    lapic = (volatile uint32_t *)(uintptr_t)(base & PTE_ADDR_MASK);
    lapic_write(APIC_SVR, APIC_SVR_ENABLE | VECTOR_SPURIOUS);
    lapic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_16);
    lapic_write(APIC_LVT_TIMER, VECTOR_TIMER); /* one-shot, idle until armed */
    this_cpu()->apic_id = lapic_read(APIC_ID) >> 24;
}

static void send_icr(uint32_t apic_id, uint32_t low)
{
    for (unsigned int i = 0; i < 1000000 && (lapic_read(APIC_ICR_LOW) & ICR_PENDING); i++)
        cpu_relax();
    lapic_write(APIC_ICR_HIGH, apic_id << 24);
    lapic_write(APIC_ICR_LOW, low);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    send_icr(apic_id, ICR_ASSERT | vector);
}

void lapic_send_init(uint32_t apic_id)
{
    send_icr(apic_id, ICR_INIT | ICR_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, uint8_t page)
{
    send_icr(apic_id, ICR_STARTUP | ICR_ASSERT | page);
}

void lapic_delay_us(uint64_t us)
{
    uint64_t start = rdtsc(), ticks = tsc_hz / 1000000 * us;

    while (rdtsc() - start < ticks)
        cpu_relax();
}

uint32_t lapic_timer_start_calibration(void)
{
    lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_TIMER);
    lapic_write(APIC_TIMER_INIT, 0xffffffffu);
    return 0xffffffffu;
}

uint32_t lapic_timer_current(void) { return lapic_read(APIC_TIMER_CURRENT); }

/* Timer ticks per ns as 32.32 fixed point: no division on this path,
 * which runs whenever the scheduler picks a vCPU. */
static uint64_t ticks_per_ns_32;

void lapic_timer_set_rate(uint64_t hz)
{
    lapic_write(APIC_TIMER_INIT, 0);
    lapic_write(APIC_LVT_TIMER, VECTOR_TIMER); /* one-shot, unmasked */
    lapic_timer_hz = hz;
    ticks_per_ns_32 = (uint64_t)(((unsigned __int128)hz << 32) / 1000000000u);
}

void lapic_timer_oneshot(uint64_t ns)
{
    uint64_t ticks = ns >= (1ull << 32) ? 0xffffffffu
                                         : (ns * ticks_per_ns_32) >> 32;

    /* LVT timer is one-shot and unmasked from lapic_init() on. */
    lapic_write(APIC_TIMER_INIT, ns ? (uint32_t)MIN(MAX(ticks, 1u), 0xffffffffu) : 0);
}
