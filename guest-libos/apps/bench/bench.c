/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Micro-benchmarks of the hypervisor's hot paths, measured in guest TSC
 * ticks. Under QEMU -icount shift=0 a tick is one executed instruction, so
 * the figures are exact and repeatable. Each result line reads
 *     bench: NAME: N ticks per op (over COUNT ops)
 * and tests/bench/run-bench collects them into a table.
 *
 *   bench.elf null     a hypercall that does nothing (unknown number)
 *   bench.elf cpuid    a CPUID exit, handled without common code
 *   bench.elf yield    sched_op(yield) with no other vCPU to run
 *   bench.elf create   domctl create + destroy of a 4 MiB domain
 */
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>
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

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";

    if (!strcmp(what, "null"))
        bench_null(100000);
    else if (!strcmp(what, "cpuid"))
        bench_cpuid(100000);
    else if (!strcmp(what, "yield"))
        bench_yield(100000);
    else if (!strcmp(what, "create"))
        bench_create(100);
    else
        printf("bench: usage: bench.elf null|cpuid|yield|create\n");
    return 0;
}
