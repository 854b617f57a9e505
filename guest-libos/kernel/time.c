/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time from the shared-info page (public/shared_info.h): system time from
 * the calling vCPU's own pvclock record (its id from the per-vCPU data,
 * thread.h) and the TSC, the wall clock from the base the hypervisor
 * writes; sleeping, which blocks the calling thread on the scheduler's
 * timer queue (thread.c); and the clock_* and nanosleep system calls.
 */
#include <errno.h>
#include <exo/hypercall.h>
#include <exo/time.h>
#include <time.h>

#include "private.h"
#include "thread.h"

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
    volatile struct hv_vcpu_time_info *t = &shared->vcpu[vcpu_id() % HV_MAX_VCPUS].time;
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
    sleep_until(deadline_after(libos_time_ns(), ns));
}

/* ---- System calls ---- */

static long timespec_of_clock(long clock, struct timespec *ts)
{
    uint64_t sec, ns;
    uint32_t nsec;

    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        libos_wallclock(&sec, &nsec);
        ts->tv_sec = (time_t)sec;
        ts->tv_nsec = nsec;
        return 0;
    /* One application per domain: its CPU time is close to the time the
     * domain has existed, which is what the monotonic clock counts. */
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        ns = libos_time_ns();
        ts->tv_sec = (time_t)(ns / NSEC_PER_SEC);
        ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
        return 0;
    default:
        return -EINVAL;
    }
}

SYSCALL_HANDLER(clock_gettime)
{
    struct timespec *ts = (struct timespec *)(uintptr_t)a[1], now;
    long err = timespec_of_clock(a[0], &now);

    if (!err)
        *ts = now;
    return err;
}

SYSCALL_HANDLER(clock_getres)
{
    struct timespec *res = (struct timespec *)(uintptr_t)a[1], now;
    long err = timespec_of_clock(a[0], &now);

    if (!err && res)
        *res = (struct timespec){.tv_sec = 0, .tv_nsec = 1};
    return err;
}

/* Sleep for req; rem, if asked for, says how much of it was left. */
static long sleep_relative(const struct timespec *req, struct timespec *rem)
{
    if (!user_range_ok((uintptr_t)req, sizeof(*req)))
        return -EFAULT;
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NSEC_PER_SEC)
        return -EINVAL;
    sleep_until(deadline_after(libos_time_ns(), ns_of(req->tv_sec, req->tv_nsec)));
    /* Nothing interrupts a sleep (no signals are delivered). */
    if (rem)
        *rem = (struct timespec){0, 0};
    return 0;
}

SYSCALL_HANDLER(nanosleep)
{
    return sleep_relative((const struct timespec *)(uintptr_t)a[0],
                          (struct timespec *)(uintptr_t)a[1]);
}

/* clock_nanosleep(clock, flags, req, rem): TIMER_ABSTIME sleeps until req
 * on that clock, otherwise for req. */
SYSCALL_HANDLER(clock_nanosleep)
{
    const struct timespec *req = (const struct timespec *)(uintptr_t)a[2];
    struct timespec now;
    uint64_t at, now_ns;
    long err = timespec_of_clock(a[0], &now);

    if (err)
        return err;
    if (!(a[1] & TIMER_ABSTIME))
        return sleep_relative(req, (struct timespec *)(uintptr_t)a[3]);
    if (!user_range_ok((uintptr_t)req, sizeof(*req)))
        return -EFAULT;
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)NSEC_PER_SEC)
        return -EINVAL;
    /* The same distance from now on system time, which sleeps count. */
    at = ns_of(req->tv_sec, req->tv_nsec);
    now_ns = ns_of(now.tv_sec, now.tv_nsec);
    if (at > now_ns)
        sleep_until(deadline_after(libos_time_ns(), at - now_ns));
    return 0;
}
