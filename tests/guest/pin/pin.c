/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPU affinity while it runs: the control domain moves domain 1's vCPU
 * between the physical CPUs again and again while domain 1 (sse.elf keep)
 * holds patterns in its SSE/AVX registers across 1000 exits. Its state
 * must follow it from CPU to CPU. Bad requests are refused.
 */
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    struct hv_sysctl_physinfo phys;
    struct hv_domctl_affinity a = {.domid = 1, .vcpu = 0};
    struct hv_domctl_info info;
    unsigned int moves = 0;
    long r;

    hv_sysctl(HV_SYSCTL_physinfo, (long)&phys);
    a.cpu = phys.nr_cpus;
    r = hv_domctl(HV_DOMCTL_set_affinity, (long)&a);
    printf("pin: to a CPU that does not exist: %s (%ld)\n", r == -HV_EINVAL ? "-EINVAL" : "FAIL", r);
    a.cpu = 0;
    a.vcpu = 5;
    r = hv_domctl(HV_DOMCTL_set_affinity, (long)&a);
    printf("pin: a vCPU that does not exist: %s (%ld)\n", r == -HV_EINVAL ? "-EINVAL" : "FAIL", r);
    a.vcpu = 0;
    do {
        a.cpu = moves % phys.nr_cpus;
        if (hv_domctl(HV_DOMCTL_set_affinity, (long)&a) == 0)
            moves++;
        hv_sched_op(HV_SCHED_yield, 0, 0);
        info.domid = 1;
    } while (hv_domctl(HV_DOMCTL_getinfo, (long)&info) == 0 && info.domid == 1);
    printf("pin: moved domain 1's vCPU %u times over %u CPUs\n", moves, phys.nr_cpus);
    return moves > 10 ? 0 : 1;
}
