/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A hostile domain and its neighbours. As "attacker" (an ordinary domain)
 * it makes 20000 hypercalls of every kind with arguments drawn from pools
 * of bad values — pointers outside its memory, into the boot structures,
 * wrapping around; other domains' ids; bad and foreign ports; grant
 * references it was never given; frame numbers it does not own; counts at
 * and past every limit — with struct arguments full of random bytes, from
 * a fixed seed. It only avoids the calls that would legitimately end it
 * (shutdown, blocking forever, giving back its own code). As "victim" (the
 * control domain) it keeps 1 MiB of its memory under a checksum and checks
 * it, and that the attacker ended normally, once the attacker is done.
 * (Pointers into the attacker's own page tables and GDT are left out of
 * the pools: writing there on its behalf would only crash the attacker.)
 */
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CALLS 20000
#define VICTIM_BYTES (1u << 20)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint8_t scratch[4096] __attribute__((aligned(4096)));

/* An argument: mostly bad, sometimes a real pointer to random bytes. */
static long pick_arg(uint64_t mem)
{
    const uint64_t pool[] = {
        0, 1, 2, 3, 7, 63, 64, 65, 511, 512, 513, 1023, 1024, 1025, 4095, 4096,
        0xffffffffull, 0x100000000ull, UINT64_MAX, UINT64_MAX - 4095, 1ull << 63,
        mem, mem - 1, mem - 8, mem + 4096, 1ull << 40, 1ull << 52,
        HV_GUEST_SHARED_INFO_GPA, HV_GUEST_START_INFO_GPA, HV_GUEST_GDT_GPA >> 12,
        HV_GUEST_PT_GPA >> 12, HV_GUEST_SHARED_INFO_GPA >> 12, mem >> 12, (mem >> 12) + 1,
        0x40000000ull, 0x40000000ull >> 12, 64, 65, 99, 1000, 0x20000, 0x20001,
    };
    uint64_t r = next();

    if (r % 4 == 0) {
        for (unsigned int i = 0; i < sizeof(scratch); i += 8)
            *(uint64_t *)(void *)&scratch[i] = next();
        return (long)(uintptr_t)scratch + (long)(next() % 64) * 8;
    }
    return (long)pool[r % (sizeof(pool) / sizeof(pool[0]))];
}

static int attacker(void)
{
    uint64_t mem = libos_memory_size(), errors = 0, ok = 0;

    for (int i = 0; i < CALLS; i++) {
        long nr = (long)(next() % 10), a[6], r;

        for (int j = 0; j < 6; j++)
            a[j] = pick_arg(mem);
        if (next() % 50 == 0)
            nr = (long)(next() % 1000) - 100; /* no such hypercall */
        switch (nr) {
        case HV_HC_console_write:
            if (a[0] >= 0 && (uint64_t)a[0] < mem)
                a[1] = 0; /* its own memory would only make noise */
            break;
        case HV_HC_sched_op:
            if (a[0] == HV_SCHED_shutdown || a[0] == HV_SCHED_block)
                a[0] = HV_SCHED_yield;
            if (a[0] == HV_SCHED_set_timer)
                a[1] = 0;
            break;
        case HV_HC_vcpu_op:
            if (a[0] == HV_VCPUOP_up && a[1] == 0)
                a[1] = 1;
            break;
        case HV_HC_memory_op:
            if (a[0] == HV_MEMOP_release)
                a[1] = (long)(mem >> 12) + 1; /* holes only: its code stays */
            break;
        }
        r = hv_hypercall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (r < 0)
            errors++;
        else
            ok++;
    }
    printf("hostile: %d calls made: %lu refused, %lu harmless\n", CALLS, errors, ok);
    return 0;
}

static uint32_t checksum(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* Did the hypervisor's log say that the attacker (domain 1) stopped by
 * itself with status 0? Boot domains are destroyed as soon as they stop,
 * so the log is where their end is told. */
static int attacker_ended_well(void)
{
    static char log[4096];
    static const char want[] = "d1 (hostile) stopped: poweroff, code 0";
    struct hv_sysctl_readlog rl = {.offset = 0, .buf = (uint64_t)log, .len = sizeof(log) - 1};
    int seen = 0;

    while (hv_sysctl(HV_SYSCTL_readlog, (long)&rl) == 0 && rl.len > 0) {
        log[rl.len] = '\0';
        for (const char *p = log; *p; p++)
            seen |= !strncmp(p, want, sizeof(want) - 1);
        rl.offset += rl.len;
        rl.len = sizeof(log) - 1;
    }
    return seen;
}

static int victim(void)
{
    static uint8_t region[VICTIM_BYTES];
    struct hv_domctl_info info;
    uint32_t sum;
    int rounds = 0;

    for (size_t i = 0; i < sizeof(region); i++)
        region[i] = (uint8_t)(i * 7 + 3);
    sum = checksum(region, sizeof(region));
    /* Until domain 1 is gone. */
    do {
        hv_sched_op(HV_SCHED_yield, 0, 0);
        info.domid = 1;
        rounds++;
    } while (hv_domctl(HV_DOMCTL_getinfo, (long)&info) == 0 && info.domid == 1);
    if (checksum(region, sizeof(region)) != sum) {
        printf("victim: FAIL: its memory changed\n");
        return 1;
    }
    if (!attacker_ended_well()) {
        printf("victim: FAIL: the attacker did not end normally\n");
        return 1;
    }
    printf("victim: memory intact after %d rounds; the attacker ended normally\n", rounds);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "victim"))
        return victim();
    return attacker();
}
