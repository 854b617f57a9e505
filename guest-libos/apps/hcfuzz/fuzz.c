/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The fuzzer's loop: count calls from gen.c, made as fast as the machine
 * goes, each judged against what the ABI promises whatever the arguments:
 * a result that is 0, positive or a known error; -HV_EFAULT for memory
 * that is not the caller's own; -HV_EPERM for every control operation;
 * -HV_ENOSYS for numbers that name no hypercall; and, when a structure
 * straddles the edge of a hole, not a byte written on the valid side. At
 * the end, a histogram of the results of each hypercall. A run is repeated
 * exactly by its seed and count (timing may differ, and so may the results
 * of calls that race with the other domains).
 */
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <exo/time.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "hcfuzz.h"

#define SLOTS (HV_HC_COUNT + 1) /* the hypercalls, and "none" */
#define CODES 128               /* results: 0 ok, 1..126 -errno, 127 anything else */
#define MAX_REPORTS 20

static uint8_t arena[ARENA_PAGES * PAGE_BYTES] __attribute__((aligned(PAGE_BYTES)));
static uint64_t histogram[SLOTS][CODES];

static const char *const hypercall_names[SLOTS] = {
#define HC_NAME(num, name, nargs) [num] = #name,
    HV_HYPERCALLS(HC_NAME)
#undef HC_NAME
    [HV_HC_COUNT] = "(none)",
};

static const char *error_name(unsigned int e)
{
    static const char *const names[] = {
        [HV_EPERM] = "EPERM",   [HV_ENOENT] = "ENOENT", [HV_ESRCH] = "ESRCH",
        [HV_EIO] = "EIO",       [HV_E2BIG] = "E2BIG",   [HV_ENOEXEC] = "ENOEXEC",
        [HV_EAGAIN] = "EAGAIN", [HV_ENOMEM] = "ENOMEM", [HV_EACCES] = "EACCES",
        [HV_EFAULT] = "EFAULT", [HV_EBUSY] = "EBUSY",   [HV_EEXIST] = "EEXIST",
        [HV_EINVAL] = "EINVAL", [HV_ENOSPC] = "ENOSPC", [HV_ERANGE] = "ERANGE",
        [HV_ENOSYS] = "ENOSYS", [HV_EOVERFLOW] = "EOVERFLOW",
    };

    return e < sizeof(names) / sizeof(names[0]) ? names[e] : NULL;
}

static unsigned int slot_of(long nr)
{
    return nr >= 0 && nr < HV_HC_COUNT ? (unsigned int)nr : HV_HC_COUNT;
}

static unsigned int code_of(long r)
{
    if (r >= 0)
        return 0;
    return r > -(CODES - 1) && error_name((unsigned int)-r) ? (unsigned int)-r : CODES - 1;
}

/* What is wrong with result r of c, or NULL. */
static const char *judge(const struct call *c, long r)
{
    if (code_of(r) == CODES - 1)
        return "not an error code of the ABI";
    if (c->marker)
        for (unsigned int i = 0; i < MARKER_BYTES; i++)
            if (c->marker[i] != (uint8_t)(0xa5 ^ i))
                return "it wrote into the caller's memory next to the hole";
    switch (c->expect) {
    case EXPECT_EFAULT:
        return r == -HV_EFAULT ? NULL : "memory not its own: should be -EFAULT";
    case EXPECT_EPERM:
        return r == -HV_EPERM ? NULL : "a control operation: should be -EPERM";
    case EXPECT_ENOSYS:
        return r == -HV_ENOSYS ? NULL : "no such hypercall: should be -ENOSYS";
    default:
        return NULL;
    }
}

static void print_call(const char *what, uint64_t i, const struct call *c, long r)
{
    printf("hcfuzz: %s call %llu: nr %#lx (%#lx, %#lx, %#lx, %#lx, %#lx, %#lx) = %ld\n", what,
           (unsigned long long)i, (unsigned long)c->nr, (unsigned long)c->a[0],
           (unsigned long)c->a[1], (unsigned long)c->a[2], (unsigned long)c->a[3],
           (unsigned long)c->a[4], (unsigned long)c->a[5], r);
}

static void print_histogram(void)
{
    for (unsigned int s = 0; s < SLOTS; s++) {
        char line[512];
        uint64_t total = 0;
        int n = 0;

        for (unsigned int e = 0; e < CODES; e++)
            total += histogram[s][e];
        if (!total)
            continue;
        for (unsigned int e = 0; e < CODES && n < (int)sizeof(line) - 32; e++) {
            if (!histogram[s][e])
                continue;
            n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %llu",
                          e == 0 ? "ok" : e == CODES - 1 ? "other" : error_name(e),
                          (unsigned long long)histogram[s][e]);
        }
        printf("hcfuzz: %-14s %8llu:%s\n", hypercall_names[s], (unsigned long long)total, line);
    }
}

int fuzz_main(uint64_t seed, uint64_t count, uint64_t trace_from)
{
    struct fuzzer f = {.mem = libos_memory_size(), .self = libos_domain_id(), .arena = arena};
    uint64_t failures = 0, progress = count >= 200000 ? count / 10 : 0, start;

    printf("hcfuzz: seed %llu, %llu hypercalls, domain %u, %llu MiB\n",
           (unsigned long long)seed, (unsigned long long)count, f.self,
           (unsigned long long)(f.mem >> 20));
    /* With the control privilege it could destroy the others, legitimately. */
    if (hv_domctl(HV_DOMCTL_getinfo, 0) != -HV_EPERM) {
        printf("hcfuzz: FAIL: this is the control domain; the fuzzer runs unprivileged\n");
        return 1;
    }
    gen_init(&f, seed);
    start = libos_time_ns();
    for (uint64_t i = 0; i < count; i++) {
        struct call c;
        const char *why;
        long r;

        gen_call(&f, &c);
        /* Its own timer, just before: a block always ends. */
        if (c.nr == HV_HC_sched_op && c.a[0] == HV_SCHED_block)
            hv_sched_op(HV_SCHED_set_timer, (long)(libos_time_ns() + 20000), 0);
        r = hv_hypercall(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], c.a[5]);
        histogram[slot_of(c.nr)][code_of(r)]++;
        if (i >= trace_from)
            print_call("trace:", i, &c, r);
        why = judge(&c, r);
        if (why && ++failures <= MAX_REPORTS) {
            print_call("FAIL:", i, &c, r);
            printf("hcfuzz: FAIL: %s\n", why);
        }
        gen_learn(&f, &c, r);
        if (progress && (i + 1) % progress == 0)
            printf("hcfuzz: %llu calls made\n", (unsigned long long)(i + 1));
    }
    hv_sched_op(HV_SCHED_set_timer, 0, 0);
    print_histogram();
    printf("hcfuzz: it got %llu ports and %llu grant mappings; %llu memory_op queries to "
           "classify pointers; %llu ms of system time\n", (unsigned long long)f.ports_got,
           (unsigned long long)f.maps_got, (unsigned long long)f.probes,
           (unsigned long long)((libos_time_ns() - start) / 1000000));
    if (failures) {
        printf("hcfuzz: FAIL: %llu calls broke the ABI's promises (seed %llu)\n",
               (unsigned long long)failures, (unsigned long long)seed);
        return 1;
    }
    printf("hcfuzz: %llu hypercalls, seed %llu, done\n", (unsigned long long)count,
           (unsigned long long)seed);
    return 0;
}
