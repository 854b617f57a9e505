/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hypercall stubs for guests, generated from the hypervisor's one list
 * (public/hypercall.h): hv_NAME(args...) for every hypercall, each argument
 * a long (pointers are guest-physical addresses; the library OS keeps its
 * memory identity-mapped). The instruction, VMMCALL or VMCALL, is chosen
 * once at start-up from the hypervisor's CPUID leaf.
 */
#ifndef EXO_HYPERCALL_H
#define EXO_HYPERCALL_H

#include <public/hv.h>

extern int libos_hypercall_vmcall; /* 1: VMCALL (VT-x), 0: VMMCALL (AMD-V) */

static inline long hv_hypercall(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    register long r9 __asm__("r9") = a5;
    long ret;

    if (libos_hypercall_vmcall)
        __asm__ volatile("vmcall"
                         : "=a"(ret)
                         : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                         : "memory");
    else
        __asm__ volatile("vmmcall"
                         : "=a"(ret)
                         : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                         : "memory");
    return ret;
}

#define HV_STUB_PARAMS_0 void
#define HV_STUB_PARAMS_1 long a0
#define HV_STUB_PARAMS_2 long a0, long a1
#define HV_STUB_PARAMS_3 long a0, long a1, long a2
#define HV_STUB_PARAMS_4 long a0, long a1, long a2, long a3
#define HV_STUB_PARAMS_5 long a0, long a1, long a2, long a3, long a4
#define HV_STUB_PARAMS_6 long a0, long a1, long a2, long a3, long a4, long a5
#define HV_STUB_ARGS_0 0, 0, 0, 0, 0, 0
#define HV_STUB_ARGS_1 a0, 0, 0, 0, 0, 0
#define HV_STUB_ARGS_2 a0, a1, 0, 0, 0, 0
#define HV_STUB_ARGS_3 a0, a1, a2, 0, 0, 0
#define HV_STUB_ARGS_4 a0, a1, a2, a3, 0, 0
#define HV_STUB_ARGS_5 a0, a1, a2, a3, a4, 0
#define HV_STUB_ARGS_6 a0, a1, a2, a3, a4, a5

#define HV_STUB(num, name, nargs)                                                  \
    static inline long hv_##name(HV_STUB_PARAMS_##nargs)                           \
    {                                                                              \
        return hv_hypercall(num, HV_STUB_ARGS_##nargs);                            \
    }
HV_HYPERCALLS(HV_STUB)
#undef HV_STUB

#endif
