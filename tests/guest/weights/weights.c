/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CPU shares follow weights. The control domain starts two CPU-bound
 * domains (each a single jump-to-itself instruction) with weights 512 and
 * 256, sleeps for half a second of system time, and reads how much CPU time
 * the scheduler gave each: the ratio must be within 10% of 2:1. Run under
 * QEMU -icount, where time counts instructions, so the result is exact and
 * the same on every run.
 */
#include <exo/hypercall.h>
#include <exo/time.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MIB (1ull << 20)
#define ENTRY 0x100000ull

static long spinner(uint32_t weight, const char *name)
{
    static const uint8_t spin[] = {0xeb, 0xfe}; /* jmp . */
    struct hv_domctl_create c = {.domid = HV_DOMID_ANY, .vcpus = 1, .memory = 4 * MIB};
    struct hv_domctl_copy copy;
    struct hv_domctl_vcpu_context ctx;
    struct hv_domctl_weight w;
    long r;

    memcpy(c.name, name, strlen(name) + 1);
    r = hv_domctl(HV_DOMCTL_create, (long)&c);
    if (r)
        return r;
    copy = (struct hv_domctl_copy){.domid = c.domid, .dst_gpa = ENTRY,
                                   .src_gpa = (uint64_t)spin, .len = sizeof(spin)};
    ctx = (struct hv_domctl_vcpu_context){.domid = c.domid, .rip = ENTRY};
    w = (struct hv_domctl_weight){.domid = c.domid, .weight = weight};
    if ((r = hv_domctl(HV_DOMCTL_copy_to, (long)&copy)) ||
        (r = hv_domctl(HV_DOMCTL_set_vcpu_context, (long)&ctx)) ||
        (r = hv_domctl(HV_DOMCTL_set_weight, (long)&w)))
        return r;
    return c.domid;
}

static uint64_t cpu_time(long domid)
{
    struct hv_domctl_info info = {.domid = (uint32_t)domid};

    return hv_domctl(HV_DOMCTL_getinfo, (long)&info) == 0 ? info.cpu_time_ns : 0;
}

int main(int argc, char **argv)
{
    long heavy = spinner(512, "heavy"), light = spinner(256, "light");
    uint64_t th, tl, permille;

    if (heavy < 0 || light < 0) {
        printf("weights: FAIL: cannot create the spinners (%ld, %ld)\n", heavy, light);
        return 1;
    }
    hv_domctl(HV_DOMCTL_unpause, heavy);
    hv_domctl(HV_DOMCTL_unpause, light);
    libos_sleep_ns(500000000ull);
    hv_domctl(HV_DOMCTL_pause, heavy);
    hv_domctl(HV_DOMCTL_pause, light);
    th = cpu_time(heavy);
    tl = cpu_time(light);
    hv_domctl(HV_DOMCTL_destroy, heavy);
    hv_domctl(HV_DOMCTL_destroy, light);
    permille = tl ? th * 1000 / tl : 0;
    printf("weights: 512 got %lu ms, 256 got %lu ms: ratio %lu.%03lu\n", th / 1000000,
           tl / 1000000, permille / 1000, permille % 1000);
    if (permille < 1800 || permille > 2200) {
        printf("weights: FAIL: the ratio is not within 10%% of 2:1\n");
        return 1;
    }
    printf("weights: within 10%% of 2:1\n");
    return 0;
}
