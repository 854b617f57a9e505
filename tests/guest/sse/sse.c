/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * FPU state across exits and between domains.
 *   sse.elf keep:  fill xmm0-15 (ymm0-15 when AVX is there, enabled with
 *                  XSETBV) with patterns, take 500 rounds of hypercalls and
 *                  CPUID exits, then check every register is intact.
 *                  TSC_AUX (RDTSCP's value) is set too, and checked.
 *   sse.elf clean: run after a "keep" domain; no register may hold any of
 *                  its patterns, nor TSC_AUX its value (the state of one
 *                  domain never leaks to the next).
 */
#include <exo/hypercall.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define ROUNDS 500

static uint8_t pattern[16][32] __attribute__((aligned(32)));
static uint8_t result[16][32] __attribute__((aligned(32)));

static int have_avx(void)
{
    uint32_t a, b, c, d;
    uint64_t cr4;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    if (!(c & (1u << 26)) || !(c & (1u << 28)))
        return 0;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4 | (1ull << 18)));
    __asm__ volatile("xsetbv" ::"c"(0), "a"(7), "d"(0));
    __asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
    return a == 7;
}

#define MSR_TSC_AUX 0xc0000103
#define KEEP_TSC_AUX 0x5a5a5u

static int have_rdtscp(void)
{
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001), "c"(0));
    return (d >> 27) & 1;
}

static uint32_t tsc_aux(void)
{
    uint32_t lo, hi, aux;

    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    return aux;
}

#define LOAD_XMM(n) "movdqu " #n "*32(%[in]), %%xmm" #n "\n\t"
#define STORE_XMM(n) "movdqu %%xmm" #n ", " #n "*32(%[out])\n\t"
#define LOAD_YMM(n) "vmovdqu " #n "*32(%[in]), %%ymm" #n "\n\t"
#define STORE_YMM(n) "vmovdqu %%ymm" #n ", " #n "*32(%[out])\n\t"
#define ALL(m) m(0) m(1) m(2) m(3) m(4) m(5) m(6) m(7) m(8) m(9) m(10) m(11) m(12) m(13) m(14) m(15)

/* ROUNDS times: sched_op(yield) and CPUID, each a VM exit. */
#define EXITS                                                                  \
    "mov %[rounds], %%r12d\n"                                                  \
    "1:\n\t"                                                                   \
    "mov %[nr], %%eax\n\t"                                                     \
    "mov %[yield], %%edi\n\t"                                                  \
    "cmpl $0, %[vmcall]\n\t"                                                   \
    "jne 2f\n\t"                                                               \
    "vmmcall\n\t"                                                              \
    "jmp 3f\n"                                                                 \
    "2:\n\t"                                                                   \
    "vmcall\n"                                                                 \
    "3:\n\t"                                                                   \
    "xor %%eax, %%eax\n\t"                                                     \
    "xor %%ecx, %%ecx\n\t"                                                     \
    "cpuid\n\t"                                                                \
    "dec %%r12d\n\t"                                                           \
    "jnz 1b\n\t"

#define CLOBBERS                                                                \
    "rax", "rbx", "rcx", "rdx", "rdi", "rsi", "r8", "r9", "r10", "r11", "r12", "memory", \
        "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", \
        "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

static void fill_patterns(void)
{
    for (int r = 0; r < 16; r++)
        for (int i = 0; i < 32; i++)
            pattern[r][i] = (uint8_t)(0xa5 ^ (r * 37 + i * 11 + 1));
}

static int keep(void)
{
    int avx = have_avx(), width = avx ? 32 : 16;

    fill_patterns();
    if (have_rdtscp())
        __asm__ volatile("wrmsr" ::"c"(MSR_TSC_AUX), "a"(KEEP_TSC_AUX), "d"(0));
    if (avx)
        __asm__ volatile(ALL(LOAD_YMM) EXITS ALL(STORE_YMM)
                         :
                         : [in] "r"(pattern), [out] "r"(result), [rounds] "i"(ROUNDS),
                           [nr] "i"(HV_HC_sched_op), [yield] "i"(HV_SCHED_yield),
                           [vmcall] "m"(libos_hypercall_vmcall)
                         : CLOBBERS);
    else
        __asm__ volatile(ALL(LOAD_XMM) EXITS ALL(STORE_XMM)
                         :
                         : [in] "r"(pattern), [out] "r"(result), [rounds] "i"(ROUNDS),
                           [nr] "i"(HV_HC_sched_op), [yield] "i"(HV_SCHED_yield),
                           [vmcall] "m"(libos_hypercall_vmcall)
                         : CLOBBERS);
    for (int r = 0; r < 16; r++) {
        if (memcmp(pattern[r], result[r], (size_t)width)) {
            printf("sse: FAIL: %s%d changed across %d exits\n", avx ? "ymm" : "xmm", r, 2 * ROUNDS);
            return 1;
        }
    }
    if (have_rdtscp() && tsc_aux() != KEEP_TSC_AUX) {
        printf("sse: FAIL: TSC_AUX is %#x, not %#x, after %d exits\n", tsc_aux(), KEEP_TSC_AUX,
               2 * ROUNDS);
        return 1;
    }
    printf("sse: %s0-15 intact across %d exits\n", avx ? "ymm" : "xmm", 2 * ROUNDS);
    return 0;
}

static int clean(void)
{
    fill_patterns();
    __asm__ volatile(ALL(STORE_XMM) : : [out] "r"(result) : "memory");
    for (int r = 0; r < 16; r++)
        for (int p = 0; p < 16; p++)
            if (!memcmp(result[r], pattern[p], 16)) {
                printf("sse: FAIL: xmm%d holds another domain's value\n", r);
                return 1;
            }
    if (have_rdtscp() && tsc_aux() == KEEP_TSC_AUX) {
        printf("sse: FAIL: TSC_AUX holds another domain's value\n");
        return 1;
    }
    printf("sse: no register holds another domain's values\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "keep"))
        return keep();
    if (argc > 1 && !strcmp(argv[1], "clean"))
        return clean();
    printf("usage: sse.elf keep|clean\n");
    return 2;
}
