/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vCPU affinity: the control domain builds a child, places its vCPU on the
 * last physical CPU before it starts, starts it (it stops itself with
 * status 42), checks it ran there and that it can move after it has run,
 * and that a vCPU or a CPU that does not exist is refused.
 */
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ENTRY 0x100000ull

int main(int argc, char **argv)
{
    uint8_t child[] = {0xb8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xff, 0x31, 0xf6, /* sched_op */
                       0xba, 0x2a, 0x00, 0x00, 0x00, 0x0f, 0x01,              /* shutdown 42 */
                       (uint8_t)(libos_hypercall_vmcall ? 0xc1 : 0xd9), 0xf4};
    struct hv_sysctl_physinfo phys;
    struct hv_domctl_create c = {.domid = HV_DOMID_ANY, .vcpus = 1, .memory = 4ull << 20};
    struct hv_domctl_affinity a = {.vcpu = 0};
    struct hv_domctl_copy copy;
    struct hv_domctl_vcpu_context ctx;
    struct hv_domctl_info info;
    int failures = 0;
    long r;

    hv_sysctl(HV_SYSCTL_physinfo, (long)&phys);
    memcpy(c.name, "placed", 7);
    if (hv_domctl(HV_DOMCTL_create, (long)&c)) {
        printf("pin: FAIL: create\n");
        return 1;
    }
    a.domid = c.domid;
    a.cpu = phys.nr_cpus;
    r = hv_domctl(HV_DOMCTL_set_affinity, (long)&a);
    failures += r != -HV_EINVAL;
    printf("pin: to a CPU that does not exist: %s (%ld)\n", r == -HV_EINVAL ? "-EINVAL" : "FAIL", r);
    a.cpu = phys.nr_cpus - 1;
    a.vcpu = 5;
    r = hv_domctl(HV_DOMCTL_set_affinity, (long)&a);
    failures += r != -HV_EINVAL;
    printf("pin: a vCPU that does not exist: %s (%ld)\n", r == -HV_EINVAL ? "-EINVAL" : "FAIL", r);
    a.vcpu = 0;
    r = hv_domctl(HV_DOMCTL_set_affinity, (long)&a);
    failures += r != 0;
    printf("pin: vCPU 0 of the child on CPU %u before it starts: %s (%ld)\n", a.cpu,
           r == 0 ? "ok" : "FAIL", r);
    copy = (struct hv_domctl_copy){.domid = c.domid, .dst_gpa = ENTRY,
                                   .src_gpa = (uint64_t)child, .len = sizeof(child)};
    ctx = (struct hv_domctl_vcpu_context){.domid = c.domid, .rip = ENTRY};
    hv_domctl(HV_DOMCTL_copy_to, (long)&copy);
    hv_domctl(HV_DOMCTL_set_vcpu_context, (long)&ctx);
    hv_domctl(HV_DOMCTL_unpause, c.domid);
    do {
        hv_sched_op(HV_SCHED_yield, 0, 0);
        info.domid = c.domid;
    } while (hv_domctl(HV_DOMCTL_getinfo, (long)&info) == 0 && info.state != HV_DOMSTATE_shutdown);
    failures += info.shutdown_code != 42;
    printf("pin: the child ran and stopped with %u\n", info.shutdown_code);
    ctx = (struct hv_domctl_vcpu_context){.domid = c.domid};
    hv_domctl(HV_DOMCTL_get_vcpu_context, (long)&ctx);
    failures += ctx.cpu != a.cpu;
    printf("pin: it ran on CPU %u: %s\n", ctx.cpu, ctx.cpu == a.cpu ? "ok" : "FAIL");
    a.cpu = 0;
    r = hv_domctl(HV_DOMCTL_set_affinity, (long)&a);
    hv_domctl(HV_DOMCTL_get_vcpu_context, (long)&ctx);
    failures += r != 0 || ctx.cpu != 0;
    printf("pin: a vCPU that has run moves to CPU 0: %s (%ld)\n",
           r == 0 && ctx.cpu == 0 ? "ok" : "FAIL", r);
    hv_domctl(HV_DOMCTL_destroy, c.domid);
    return failures != 0;
}
