/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Micro-benchmarks of the hypervisor's hot paths, measured in guest TSC
 * ticks. Under QEMU -icount shift=0 a tick is one executed instruction, so
 * the figures are exact and repeatable. Each result line reads
 *     bench: NAME: N ticks per op (over COUNT ops)
 * and tests/bench/run-bench collects them into a table. A second argument
 * overrides the number of operations (bench.elf ping 300), for tracing.
 *
 *   bench.elf null     a hypercall that does nothing (unknown number)
 *   bench.elf badcmd   sched_op with an unknown command: the same answer,
 *                      through the dispatcher and the hypervisor lock
 *   bench.elf cpuid    a CPUID exit, handled without common code
 *   bench.elf yield    sched_op(yield) with no other vCPU to run
 *   bench.elf create   domctl create + destroy of a 4 MiB domain
 *   bench.elf send     an event sent on a channel to the domain itself
 *   bench.elf ping / bench.elf pong
 *                      event ping-pong between two domains (ping is
 *                      domain 0 and reports a round trip)
 *   bench.elf gcopy-src / bench.elf gcopy
 *                      a 4 KiB grant copy from domain 0's page (gcopy is
 *                      domain 1 and reports)
 *   bench.elf boot     the library OS's start-up: from the domain's first
 *                      instruction to main() (hello's path, and this one's)
 */
#include <exo/event.h>
#include <exo/grant.h>
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static void report(const char *name, uint64_t ticks, uint64_t count)
{
    printf("bench: %s: %lu ticks per op (over %lu ops)\n", name, ticks / count, count);
}

/* The loop's own cost, to subtract. */
static uint64_t empty_loop(uint64_t count)
{
    uint64_t t0 = rdtsc();

    for (uint64_t i = 0; i < count; i++)
        __asm__ volatile("" ::: "memory");
    return rdtsc() - t0;
}

static void bench_null(uint64_t count)
{
    uint64_t t0 = rdtsc();

    for (uint64_t i = 0; i < count; i++)
        hv_hypercall(HV_HC_COUNT + 100, 0, 0, 0, 0, 0, 0);
    report("null hypercall", rdtsc() - t0 - empty_loop(count), count);
}

static void bench_badcmd(uint64_t count)
{
    uint64_t t0 = rdtsc();

    for (uint64_t i = 0; i < count; i++)
        hv_sched_op(1000, 0, 0);
    report("sched_op, unknown command", rdtsc() - t0 - empty_loop(count), count);
}

static void bench_cpuid(uint64_t count)
{
    uint64_t t0 = rdtsc();

    for (uint64_t i = 0; i < count; i++) {
        uint32_t a = 0, b, c = 0, d;

        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    }
    report("cpuid exit", rdtsc() - t0 - empty_loop(count), count);
}

static void bench_yield(uint64_t count)
{
    uint64_t t0 = rdtsc();

    for (uint64_t i = 0; i < count; i++)
        hv_sched_op(HV_SCHED_yield, 0, 0);
    report("sched_op yield", rdtsc() - t0 - empty_loop(count), count);
}

static void bench_create(uint64_t count)
{
    uint64_t t0 = rdtsc();

    for (uint64_t i = 0; i < count; i++) {
        struct hv_domctl_create c = {.domid = HV_DOMID_ANY, .vcpus = 1, .memory = 4ull << 20};

        memcpy(c.name, "bench", 6);
        if (hv_domctl(HV_DOMCTL_create, (long)&c) || hv_domctl(HV_DOMCTL_destroy, c.domid)) {
            printf("bench: FAIL: create/destroy\n");
            return;
        }
    }
    report("domain create+destroy (4 MiB)", rdtsc() - t0, count);
}

static void bench_send(uint64_t count)
{
    uint32_t a, b;
    uint64_t t0;

    if (event_alloc_unbound(0, &a) || event_bind_interdomain(0, a, &b)) {
        printf("bench: FAIL: loopback channel\n");
        return;
    }
    t0 = rdtsc();
    for (uint64_t i = 0; i < count; i++)
        hv_evtchn_op(HV_EVTCHN_send, b, 0);
    report("event send", rdtsc() - t0 - empty_loop(count), count);
}

/* Domain 0 offers port 1 to domain 1 (the lowest free port), domain 1
 * binds to it; then they bounce one event count times. */
static void bench_ping(uint64_t count, int ping)
{
    uint32_t port;
    uint64_t t0 = 0;

    if (ping) {
        if (event_alloc_unbound(1, &port)) {
            printf("bench: FAIL: alloc_unbound\n");
            return;
        }
        event_wait(port); /* domain 1 says it is bound */
        t0 = rdtsc();
    } else {
        while (event_bind_interdomain(0, 1, &port))
            hv_sched_op(HV_SCHED_yield, 0, 0);
        event_send(port);
    }
    for (uint64_t i = 0; i < count; i++) {
        if (ping) {
            event_send(port);
            event_wait(port);
        } else {
            event_wait(port);
            event_send(port);
        }
    }
    /* pong waits for a last event before it exits: otherwise its shutdown
     * and destruction would run before ping reads the clock, and count. */
    if (ping) {
        uint64_t ticks = rdtsc() - t0;

        event_send(port);
        report("two-domain event ping-pong (round trip)", ticks, count);
    } else {
        event_wait(port);
    }
}

static uint8_t page[4096] __attribute__((aligned(4096)));

/* Domain 0 grants a page to domain 1 as reference 8, then waits; domain 1
 * copies it count times, then says so with an event. */
static void bench_gcopy(uint64_t count, int source)
{
    static uint8_t dst[4096] __attribute__((aligned(4096)));
    uint64_t t0;
    uint32_t port;

    if (source) {
        if (grant_init() || grant_access(8, 1, page, 1) || event_alloc_unbound(1, &port)) {
            printf("bench: FAIL: grant set-up\n");
            return;
        }
        event_wait(port);
        return;
    }
    while (event_bind_interdomain(0, 1, &port))
        hv_sched_op(HV_SCHED_yield, 0, 0);
    while (grant_copy_from(0, 8, 0, dst, sizeof(dst)))
        hv_sched_op(HV_SCHED_yield, 0, 0);
    t0 = rdtsc();
    for (uint64_t i = 0; i < count; i++)
        grant_copy_from(0, 8, 0, dst, sizeof(dst));
    report("4 KiB grant copy", rdtsc() - t0 - empty_loop(count), count);
    event_send(port);
}

/*
 * The hypervisor publishes the boot vCPU's time record just before its
 * first entry (public/shared_info.h): its TSC stamp is the start of the
 * domain's first instruction, give or take the entry itself.
 */
static void bench_boot(uint64_t at_main)
{
    volatile struct hv_shared_info *s =
        (volatile struct hv_shared_info *)(uintptr_t)HV_GUEST_SHARED_INFO_GPA;

    report("start-up, first instruction to main()", at_main - s->vcpu[0].time.tsc_timestamp, 1);
}

int main(int argc, char **argv)
{
    uint64_t at_main = rdtsc();
    const char *what = argc > 1 ? argv[1] : "";
    uint64_t count = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;

    if (!strcmp(what, "null"))
        bench_null(count ? count : 100000);
    else if (!strcmp(what, "badcmd"))
        bench_badcmd(count ? count : 100000);
    else if (!strcmp(what, "cpuid"))
        bench_cpuid(count ? count : 100000);
    else if (!strcmp(what, "yield"))
        bench_yield(count ? count : 100000);
    else if (!strcmp(what, "create"))
        bench_create(count ? count : 100);
    else if (!strcmp(what, "send"))
        bench_send(count ? count : 100000);
    else if (!strcmp(what, "ping") || !strcmp(what, "pong"))
        bench_ping(count ? count : 10000, !strcmp(what, "ping"));
    else if (!strcmp(what, "gcopy-src") || !strcmp(what, "gcopy"))
        bench_gcopy(count ? count : 10000, !strcmp(what, "gcopy-src"));
    else if (!strcmp(what, "boot"))
        bench_boot(at_main);
    else
        printf("bench: usage: bench.elf "
               "null|badcmd|cpuid|yield|create|send|ping|pong|gcopy-src|gcopy|boot\n");
    return 0;
}
