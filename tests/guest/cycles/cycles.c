/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 1000 create/destroy cycles of a small domain, started and stopped each
 * time, must leave free memory exactly where it started.
 */
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CYCLES 1000
#define ENTRY 0x100000ull

static uint64_t free_frames(void)
{
    struct hv_sysctl_physinfo info;

    return hv_sysctl(HV_SYSCTL_physinfo, (long)&info) == 0 ? info.free_frames : 0;
}

int main(int argc, char **argv)
{
    /* sched_op(shutdown, poweroff, 0): the child stops at once. */
    uint8_t child[] = {0xb8, 0x01, 0x00, 0x00, 0x00, /* mov $1, %eax */
                       0x31, 0xff, 0x31, 0xf6, 0x31, 0xd2, /* xor edi, esi, edx */
                       0x0f, 0x01, (uint8_t)(libos_hypercall_vmcall ? 0xc1 : 0xd9), 0xf4};
    uint64_t before = free_frames(), started = 0;

    for (int i = 0; i < CYCLES; i++) {
        struct hv_domctl_create c = {.domid = HV_DOMID_ANY, .vcpus = 1, .memory = 4ull << 20};
        struct hv_domctl_copy copy;
        struct hv_domctl_vcpu_context ctx;
        struct hv_domctl_info info;
        long r;

        memcpy(c.name, "cycle", 6);
        r = hv_domctl(HV_DOMCTL_create, (long)&c);
        copy = (struct hv_domctl_copy){.domid = c.domid, .dst_gpa = ENTRY,
                                       .src_gpa = (uint64_t)child, .len = sizeof(child)};
        ctx = (struct hv_domctl_vcpu_context){.domid = c.domid, .rip = ENTRY};
        if (r || hv_domctl(HV_DOMCTL_copy_to, (long)&copy) ||
            hv_domctl(HV_DOMCTL_set_vcpu_context, (long)&ctx) ||
            hv_domctl(HV_DOMCTL_unpause, c.domid)) {
            printf("cycles: FAIL: cycle %d: cannot build the domain (%ld)\n", i, r);
            return 1;
        }
        /* Every other cycle waits for the child to stop; the others destroy
         * it wherever it is. */
        do {
            info.domid = c.domid;
            if (hv_domctl(HV_DOMCTL_getinfo, (long)&info))
                break;
            if (info.state == HV_DOMSTATE_shutdown)
                started++;
            if (i % 2)
                break;
            hv_sched_op(HV_SCHED_yield, 0, 0);
        } while (info.state != HV_DOMSTATE_shutdown);
        if (hv_domctl(HV_DOMCTL_destroy, c.domid)) {
            printf("cycles: FAIL: cycle %d: destroy refused\n", i);
            return 1;
        }
    }
    printf("cycles: %d cycles, %lu children ran to their end; free frames %lu before, %lu after\n",
           CYCLES, started, before, free_frames());
    if (free_frames() != before) {
        printf("cycles: FAIL: free memory did not come back\n");
        return 1;
    }
    return 0;
}
