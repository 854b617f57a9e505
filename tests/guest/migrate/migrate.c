/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Moving running vCPUs between physical CPUs.
 *   migrate.elf mover N D...: N times, move vCPU 0 of each domain D to the
 *                              other CPU, then let others run a little.
 *   migrate.elf worker N:      N rounds of: fill xmm0-15 with the round's
 *                              pattern, take an exit, check every register.
 */
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mover(long rounds, int argc, char **argv)
{
    struct hv_domctl_affinity a = {.vcpu = 0};
    long moved = 0, refused = 0;

    for (long i = 0; i < rounds; i++) {
        for (int j = 0; j < argc; j++) {
            a.domid = (uint32_t)atoi(argv[j]);
            a.cpu = (uint32_t)((i + j) % 2);
            struct hv_domctl_vcpu_context ctx = {.domid = a.domid};
            long r = hv_domctl(HV_DOMCTL_set_affinity, (long)&a);

            if (r == 0 && (hv_domctl(HV_DOMCTL_get_vcpu_context, (long)&ctx) ||
                           ctx.cpu != a.cpu)) {
                printf("migrate: FAIL: d%u vCPU 0 is on CPU %u, not %u\n", a.domid, ctx.cpu,
                       a.cpu);
                return 1;
            }
            if (r == 0)
                moved++;
            else if (r == -HV_ESRCH)
                return printf("migrate: moved %ld times, %ld refused, domains gone\n", moved,
                              refused), 0;
            else
                refused++;
        }
        for (int k = 0; k < 2000; k++)
            __asm__ volatile("pause");
        hv_sched_op(HV_SCHED_yield, 0, 0);
    }
    printf("migrate: moved %ld times, %ld refused\n", moved, refused);
    return 0;
}

static int worker(long rounds)
{
    static uint64_t in[16][2] __attribute__((aligned(16))), out[16][2] __attribute__((aligned(16)));

    for (long i = 0; i < rounds; i++) {
        for (int r = 0; r < 16; r++)
            in[r][0] = in[r][1] = (uint64_t)i * 0x9e3779b97f4a7c15ull + (uint64_t)r;
        __asm__ volatile("movdqa 0(%0), %%xmm0\n\tmovdqa 16(%0), %%xmm1\n\t"
                         "movdqa 32(%0), %%xmm2\n\tmovdqa 48(%0), %%xmm3\n\t"
                         "movdqa 64(%0), %%xmm4\n\tmovdqa 80(%0), %%xmm5\n\t"
                         "movdqa 96(%0), %%xmm6\n\tmovdqa 112(%0), %%xmm7\n\t"
                         "movdqa 128(%0), %%xmm8\n\tmovdqa 144(%0), %%xmm9\n\t"
                         "movdqa 160(%0), %%xmm10\n\tmovdqa 176(%0), %%xmm11\n\t"
                         "movdqa 192(%0), %%xmm12\n\tmovdqa 208(%0), %%xmm13\n\t"
                         "movdqa 224(%0), %%xmm14\n\tmovdqa 240(%0), %%xmm15\n\t"
                         ::"r"(in) : "memory");
        /* An exit, and some time in the guest for a move to land. */
        hv_sched_op(HV_SCHED_yield, 0, 0);
        for (int k = 0; k < 500; k++)
            __asm__ volatile("pause");
        __asm__ volatile("movdqa %%xmm0, 0(%0)\n\tmovdqa %%xmm1, 16(%0)\n\t"
                         "movdqa %%xmm2, 32(%0)\n\tmovdqa %%xmm3, 48(%0)\n\t"
                         "movdqa %%xmm4, 64(%0)\n\tmovdqa %%xmm5, 80(%0)\n\t"
                         "movdqa %%xmm6, 96(%0)\n\tmovdqa %%xmm7, 112(%0)\n\t"
                         "movdqa %%xmm8, 128(%0)\n\tmovdqa %%xmm9, 144(%0)\n\t"
                         "movdqa %%xmm10, 160(%0)\n\tmovdqa %%xmm11, 176(%0)\n\t"
                         "movdqa %%xmm12, 192(%0)\n\tmovdqa %%xmm13, 208(%0)\n\t"
                         "movdqa %%xmm14, 224(%0)\n\tmovdqa %%xmm15, 240(%0)\n\t"
                         ::"r"(out) : "memory");
        if (memcmp(in, out, sizeof(in))) {
            printf("migrate: FAIL: registers changed in round %ld\n", i);
            return 1;
        }
    }
    printf("migrate: %ld rounds, registers intact\n", rounds);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "mover"))
        return mover(atol(argv[2]), argc - 3, argv + 3);
    if (argc == 3 && !strcmp(argv[1], "worker"))
        return worker(atol(argv[2]));
    printf("migrate: FAIL: usage: migrate.elf mover N DOMID... | worker N\n");
    return 1;
}
