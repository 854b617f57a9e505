/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time from the shared-info page (public/shared_info.h): system time from
 * the vCPU's pvclock record and the TSC, the wall clock from the base the
 * hypervisor writes, and sleeping on the vCPU's one-shot timer.
 */
#include <exo/hypercall.h>
#include <exo/time.h>

static volatile struct hv_shared_info *const shared =
    (volatile struct hv_shared_info *)(uintptr_t)HV_GUEST_SHARED_INFO_GPA;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t libos_time_ns(void)
{
    volatile struct hv_vcpu_time_info *t = &shared->vcpu[0].time;
    uint32_t version;
    uint64_t delta, now;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        delta = rdtsc() - t->tsc_timestamp;
        delta = t->tsc_shift >= 0 ? delta << t->tsc_shift : delta >> -t->tsc_shift;
        now = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    return now;
}

void libos_wallclock(uint64_t *sec, uint32_t *nsec)
{
    uint32_t version;
    uint64_t ns;

    do {
        version = shared->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        *sec = shared->wc_sec;
        *nsec = shared->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != shared->wc_version);
    ns = *nsec + libos_time_ns();
    *sec += ns / 1000000000u;
    *nsec = (uint32_t)(ns % 1000000000u);
}

void libos_sleep_ns(uint64_t ns)
{
    uint64_t deadline = libos_time_ns() + ns;

    hv_sched_op(HV_SCHED_set_timer, (long)deadline, 0);
    /* Anything else that wakes the vCPU early just means another round. */
    while (libos_time_ns() < deadline)
        hv_sched_op(HV_SCHED_block, 0, 0);
}
