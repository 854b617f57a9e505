/* SPDX-License-Identifier: GPL-2.0-only */
/* The local APIC (xAPIC mode) and its timer; time keeping from the TSC. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <hv/types.h>

void lapic_eoi(void);
/* Fire VECTOR_TIMER once after ns nanoseconds (0 stops the timer). */
void lapic_timer_oneshot(uint64_t ns);
/* Count down from the maximum, for calibration; returns the start count. */
uint32_t lapic_timer_start_calibration(void);
/* After calibration: the timer's rate, ticks per second. */
void lapic_timer_set_rate(uint64_t hz);
uint32_t lapic_timer_current(void);

/* Inter-processor interrupts to the CPU with this local APIC ID. */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t page);
/* Busy-wait (TSC). */
void lapic_delay_us(uint64_t us);

extern uint64_t tsc_hz;        /* TSC ticks per second */
extern uint64_t lapic_timer_hz; /* LAPIC timer ticks per second, after the divider */

#endif
