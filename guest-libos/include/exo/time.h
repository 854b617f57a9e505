/* SPDX-License-Identifier: BSD-2-Clause */
/* Time for the library OS: the hypervisor's pvclock record and timers. */
#ifndef EXO_TIME_H
#define EXO_TIME_H

#include <stdint.h>

/* Nanoseconds since the hypervisor booted (monotonic). */
uint64_t libos_time_ns(void);

/* Seconds since the Unix epoch, and the nanoseconds within that second. */
void libos_wallclock(uint64_t *sec, uint32_t *nsec);

/* Sleep at least ns nanoseconds: the calling thread blocks while others
 * run (on a secondary vCPU, the vCPU sleeps). While threads sleep, the
 * library OS owns the vCPU's one-shot timer (HV_SCHED_set_timer). */
void libos_sleep_ns(uint64_t ns);

#endif
