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

/* Every register but rax keeps its value across a hypercall. The arrays
 * are reached by name, so the asm needs no register of its own. */
__attribute__((used)) static uint64_t gpr_in[14] = {
    HV_SCHED_yield,     0x1111111111111111, 0x2222222222222222, 0x3333333333333333,
    0x4444444444444444, 0x5555555555555555, 0x6666666666666666, 0x7777777777777777,
    0x8888888888888888, 0x9999999999999999, 0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb,
    0xcccccccccccccccc, 0xdddddddddddddddd,
};
__attribute__((used)) static uint64_t gpr_out[14];

static int registers_preserved(void)
{
    /* rdi rsi rdx rcx rbx rbp r8..r15, in that order in gpr_in and gpr_out. */
    __asm__ volatile("push %%rbp\n\t"
                     "mov gpr_in+0(%%rip), %%rdi\n\t"
                     "mov gpr_in+8(%%rip), %%rsi\n\t"
                     "mov gpr_in+16(%%rip), %%rdx\n\t"
                     "mov gpr_in+24(%%rip), %%rcx\n\t"
                     "mov gpr_in+32(%%rip), %%rbx\n\t"
                     "mov gpr_in+48(%%rip), %%r8\n\t"
                     "mov gpr_in+56(%%rip), %%r9\n\t"
                     "mov gpr_in+64(%%rip), %%r10\n\t"
                     "mov gpr_in+72(%%rip), %%r11\n\t"
                     "mov gpr_in+80(%%rip), %%r12\n\t"
                     "mov gpr_in+88(%%rip), %%r13\n\t"
                     "mov gpr_in+96(%%rip), %%r14\n\t"
                     "mov gpr_in+104(%%rip), %%r15\n\t"
                     "mov gpr_in+40(%%rip), %%rbp\n\t"
                     "mov %[nr], %%eax\n\t"
                     "cmpl $0, %[vmcall]\n\t"
                     "jne 1f\n\t"
                     "vmmcall\n\t"
                     "jmp 2f\n"
                     "1:\n\t"
                     "vmcall\n"
                     "2:\n\t"
                     "mov %%rdi, gpr_out+0(%%rip)\n\t"
                     "mov %%rsi, gpr_out+8(%%rip)\n\t"
                     "mov %%rdx, gpr_out+16(%%rip)\n\t"
                     "mov %%rcx, gpr_out+24(%%rip)\n\t"
                     "mov %%rbx, gpr_out+32(%%rip)\n\t"
                     "mov %%rbp, gpr_out+40(%%rip)\n\t"
                     "mov %%r8, gpr_out+48(%%rip)\n\t"
                     "mov %%r9, gpr_out+56(%%rip)\n\t"
                     "mov %%r10, gpr_out+64(%%rip)\n\t"
                     "mov %%r11, gpr_out+72(%%rip)\n\t"
                     "mov %%r12, gpr_out+80(%%rip)\n\t"
                     "mov %%r13, gpr_out+88(%%rip)\n\t"
                     "mov %%r14, gpr_out+96(%%rip)\n\t"
                     "mov %%r15, gpr_out+104(%%rip)\n\t"
                     "pop %%rbp"
                     :
                     : [nr] "i"(HV_HC_sched_op), [vmcall] "m"(libos_hypercall_vmcall)
                     : "rax", "rbx", "rcx", "rdx", "rdi", "rsi", "r8", "r9", "r10", "r11", "r12",
                       "r13", "r14", "r15", "memory");
    for (int i = 0; i < 14; i++)
        if (gpr_in[i] != gpr_out[i])
            return i + 1;
    return 0;
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
    check(r == -HV_ENOSYS, "sched_op with an unknown command: -ENOSYS", r);
    r = hv_sched_op(HV_SCHED_shutdown, HV_SHUTDOWN_MAX + 1, 0);
    check(r == -HV_EINVAL, "shutdown with an unknown reason: -EINVAL", r);
    r = hv_sched_op(HV_SCHED_shutdown, HV_SHUTDOWN_poweroff, 1L << 40);
    check(r == -HV_EINVAL, "shutdown with a code wider than 32 bits: -EINVAL", r);
    r = hv_sched_op(HV_SCHED_yield, 0, 0);
    check(r == 0, "sched_op(yield) returns 0", r);

    r = registers_preserved();
    check(r == 0, "every register but rax survives a hypercall (0, or the first changed + 1)", r);

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
