/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A domain with two vCPUs: vCPU 0 starts vCPU 1, both add to one counter
 * with atomic operations (on two physical CPUs, truly at once), vCPU 1
 * stops itself, and the total must be exact. Also: starting a vCPU twice
 * or one that does not exist is refused. Only vCPU 0 prints: stdio's
 * buffers are not locked until the application creates a thread.
 */
#include <exo/hypercall.h>
#include <exo/vcpu.h>
#include <stdint.h>
#include <stdio.h>

#define ROUNDS 200000

static volatile uint64_t counter;
static volatile int done, added, go;

static void add(void *arg)
{
    /* Stay up until vCPU 0 has tried to start this vCPU a second time:
     * once it stops itself, a second start would be allowed. */
    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
        hv_sched_op(HV_SCHED_yield, 0, 0);
    for (int i = 0; i < ROUNDS; i++) {
        __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
        added++;
    }
    __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
}

int main(int argc, char **argv)
{
    long r;

    printf("vcpus: this domain has %u vCPUs\n", libos_vcpu_count());
    r = libos_vcpu_start(1, add, NULL);
    if (r) {
        printf("vcpus: FAIL: starting vCPU 1: %ld\n", r);
        return 1;
    }
    r = libos_vcpu_start(1, add, NULL);
    printf("vcpus: starting vCPU 1 again: %s (%ld)\n", r == -HV_EBUSY ? "-EBUSY" : "FAIL", r);
    r = hv_vcpu_op(HV_VCPUOP_up, 7, 0, 0);
    printf("vcpus: starting vCPU 7 of 2: %s (%ld)\n", r == -HV_EINVAL ? "-EINVAL" : "FAIL", r);
    r = hv_vcpu_op(HV_VCPUOP_down, 0, 0, 0);
    printf("vcpus: stopping vCPU 0: %s (%ld)\n", r == -HV_EINVAL ? "-EINVAL" : "FAIL", r);
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < ROUNDS; i++)
        __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE))
        hv_sched_op(HV_SCHED_yield, 0, 0);
    printf("vcpus: vCPU 1 added %d\n", added);
    printf("vcpus: counter %lu, expected %d: %s\n", counter, 2 * ROUNDS,
           counter == 2 * ROUNDS ? "ok" : "FAIL");
    return counter == 2 * ROUNDS ? 0 : 1;
}
