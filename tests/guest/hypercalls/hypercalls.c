/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypercall interface refuses bad input with the right error and keeps
 * the domain alive: bad and overflowing pointers, unknown numbers, bad
 * commands and reasons. Also what CPUID and the MSRs show a guest. Prints
 * one line per check and "hypercalls: all N checks passed" at the end.
 */
#include <exo/hypercall.h>
#include <exo/libos.h>
#include <stdint.h>
#include <stdio.h>

static int checks, failures;

static void check(int ok, const char *what, long got)
{
    checks++;
    if (!ok)
        failures++;
    printf("%s %d - %s (got %ld)\n", ok ? "ok" : "FAIL", checks, what, got);
}

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

int main(int argc, char **argv)
{
    static const char msg[] = "console text from a valid buffer\n";
    uint64_t mem = libos_memory_size();
    uint32_t a, b, c, d;
    long r;

    r = hv_console_write((long)msg, sizeof(msg) - 1);
    check(r == (long)sizeof(msg) - 1, "console_write of a valid buffer returns its length", r);
    r = hv_console_write((long)msg, 0);
    check(r == 0, "console_write of 0 bytes returns 0", r);
    r = hv_console_write((long)mem, 16);
    check(r == -HV_EFAULT, "console_write past the end of memory: -EFAULT", r);
    r = hv_console_write((long)(mem - 8), 16);
    check(r == -HV_EFAULT, "console_write straddling the end of memory: -EFAULT", r);
    r = hv_console_write(-4096L, 8192);
    check(r == -HV_EFAULT, "console_write whose end overflows: -EFAULT", r);
    r = hv_console_write((long)(1ull << 52), 1);
    check(r == -HV_EFAULT, "console_write at a huge address: -EFAULT", r);
    r = hv_hypercall(HV_HC_COUNT, 0, 0, 0, 0, 0, 0);
    check(r == -HV_ENOSYS, "the first unknown hypercall number: -ENOSYS", r);
    r = hv_hypercall(-1L, 0, 0, 0, 0, 0, 0);
    check(r == -HV_ENOSYS, "hypercall number -1: -ENOSYS", r);
    r = hv_sched_op(99, 0, 0);
    check(r == -HV_EINVAL, "sched_op with an unknown command: -EINVAL", r);
    r = hv_sched_op(HV_SCHED_shutdown, HV_SHUTDOWN_MAX + 1, 0);
    check(r == -HV_EINVAL, "shutdown with an unknown reason: -EINVAL", r);
    r = hv_sched_op(HV_SCHED_shutdown, HV_SHUTDOWN_poweroff, 1L << 40);
    check(r == -HV_EINVAL, "shutdown with a code wider than 32 bits: -EINVAL", r);
    r = hv_sched_op(HV_SCHED_yield, 0, 0);
    check(r == 0, "sched_op(yield) returns 0", r);

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(HV_CPUID_BASE), "c"(0));
    check(b == HV_CPUID_SIGNATURE_EBX && c == HV_CPUID_SIGNATURE_ECX, "CPUID shows the signature", b);
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(HV_CPUID_FEATURES), "c"(0));
    check(a == HV_ABI_VERSION, "CPUID shows the ABI version", a);
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    check((c & (1u << 31)) && !(c & (1u << 5)), "CPUID 1: hypervisor bit set, no VMX", c);
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
    check(!(c & (1u << 2)), "CPUID 0x80000001: no SVM", c);
    check(!(rdmsr(0xc0000080) & (1u << 12)), "EFER reads without SVME", (long)rdmsr(0xc0000080));
    check(rdmsr(0xc0000100) != 0, "FS_BASE reads the library OS's TCB", (long)rdmsr(0xc0000100));

    printf("hypercalls: %s %d checks passed\n", failures ? "FAIL: not all" : "all", checks - failures);
    return failures ? 1 : 0;
}
