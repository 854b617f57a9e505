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
uint32_t lapic_timer_current(void);

extern uint64_t tsc_hz;        /* TSC ticks per second */
extern uint64_t lapic_timer_hz; /* LAPIC timer ticks per second, after the divider */

#endif
