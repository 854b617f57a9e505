/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hypercall ABI: numbers, calling convention and argument values.
 *
 * Calling convention: the hypercall number goes in rax, arguments in rdi,
 * rsi, rdx, r10, r8, r9 (the Linux system-call order), and the instruction
 * is VMMCALL on AMD-V or VMCALL on VT-x; CPUID leaf HV_CPUID_FEATURES says
 * which. The result comes back in rax: 0 or a positive value on success, a
 * negative HV_Exxx (public/errno.h) on failure. All other registers,
 * including the x87/SSE/AVX state, are preserved.
 *
 * Pointers passed to hypercalls are guest-physical addresses: the hypervisor
 * never walks a guest's page tables. A library OS keeps the memory it hands
 * to hypercalls identity-mapped.
 */
#ifndef HV_PUBLIC_HYPERCALL_H
#define HV_PUBLIC_HYPERCALL_H

#include <stdint.h>

/*
 * The one list of hypercalls: X(number, name, number of arguments). It
 * generates the hypervisor's dispatch table and the guests' stubs.
 */
#define HV_HYPERCALLS(X)                                                       \
    X(0, console_write, 2)                                                     \
    X(1, sched_op, 3)                                                          \
    X(2, evtchn_op, 3)                                                         \
    X(3, grant_table_op, 3)                                                    \
    X(4, domctl, 2)                                                            \
    X(5, sysctl, 2)                                                            \
    X(6, vcpu_op, 4)                                                           \
    X(7, memory_op, 3)                                                         \
    X(8, physdev_op, 2)

enum hv_hypercall_number {
#define HV_HC_ENUM(num, name, nargs) HV_HC_##name = (num),
    HV_HYPERCALLS(HV_HC_ENUM)
#undef HV_HC_ENUM
    HV_HC_COUNT
};

/*
 * console_write(IN buf_gpa, IN len): append len bytes at guest-physical
 * address buf_gpa to the domain's console. Writes at most
 * HV_CONSOLE_WRITE_MAX bytes; returns the number of bytes taken.
 */
#define HV_CONSOLE_WRITE_MAX 4096u

/*
 * evtchn_op(IN cmd, IN arg, IN count): event channels; the commands and
 * their arguments are in public/event.h.
 */

/*
 * sched_op(IN cmd, IN arg1, IN arg2).
 *   HV_SCHED_shutdown: arg1 = reason (HV_SHUTDOWN_*), arg2 = exit code.
 *                      Does not return on success.
 *   HV_SCHED_yield:    give up the CPU to the other runnable vCPUs; returns 0.
 *   HV_SCHED_block:    sleep until an event or this vCPU's timer; returns 0.
 *   HV_SCHED_set_timer: arm this vCPU's one-shot timer for system time
 *                      arg1 (nanoseconds since boot, see shared_info.h);
 *                      0 cancels it. A timer in the past fires at once.
 * An unknown cmd gets -HV_ENOSYS; a bad reason or a code wider than 32 bits
 * gets -HV_EINVAL.
 */
#define HV_SCHED_shutdown 0
#define HV_SCHED_yield 1
#define HV_SCHED_block 2
#define HV_SCHED_set_timer 3

/*
 * vcpu_op(IN cmd, IN vcpu, IN arg1, IN arg2): the domain's own vCPUs.
 *   HV_VCPUOP_up: start vCPU vcpu (not yet started) in the entry state of
 *                 public/start_info.h with rip = arg1 and rdi = arg2. The
 *                 domain's boot vCPU is vCPU 0; the others wait for this.
 *                 -HV_EINVAL for a bad vcpu, -HV_EBUSY if it is up already.
 *   HV_VCPUOP_count: returns how many vCPUs the domain has (vcpu ignored).
 *   HV_VCPUOP_down: the calling vCPU stops (vcpu must be its own id); it
 *                 can be started again with HV_VCPUOP_up. Not vCPU 0.
 */
#define HV_VCPUOP_up 0
#define HV_VCPUOP_count 1
#define HV_VCPUOP_down 2

/*
 * memory_op(IN cmd, IN arg1, IN arg2): the domain's own memory.
 *   HV_MEMOP_populate: give gfn arg1 .. arg1 + arg2 - 1 fresh zeroed frames
 *     (holes only, below HV_MEMOP_GPA_LIMIT, at most HV_MEMOP_BATCH_MAX at
 *     a time, within the domain's limit). Returns how many were populated,
 *     in order from arg1; if none, the error: -HV_EEXIST (already there),
 *     -HV_ENOSPC (the limit), -HV_ENOMEM, -HV_EINVAL.
 *   HV_MEMOP_release: return those frames to the hypervisor, the same way.
 *     -HV_EBUSY for the shared-info page and frames another domain maps;
 *     -HV_ENOENT for a hole; -HV_EINVAL for a grant mapping.
 *   HV_MEMOP_query: arg1 = gfn: 0 for a hole, HV_MEMOP_OWN for a frame of
 *     the domain's own, HV_MEMOP_GRANTED for another domain's frame mapped
 *     through a grant.
 *   HV_MEMOP_info: arg1 = guest-physical address of a struct hv_memop_info.
 */
#define HV_MEMOP_populate 0
#define HV_MEMOP_release 1
#define HV_MEMOP_query 2
#define HV_MEMOP_info 3
#define HV_MEMOP_BATCH_MAX 512u
#define HV_MEMOP_GPA_LIMIT (64ull << 30)
#define HV_MEMOP_OWN 1
#define HV_MEMOP_GRANTED 2

struct hv_memop_info {
    uint64_t frames;     /* OUT: frames the domain owns */
    uint64_t max_frames; /* OUT: the most it may own */
};
_Static_assert(sizeof(struct hv_memop_info) == 16, "memop info layout");

#define HV_SHUTDOWN_poweroff 0 /* the application finished; code is its status */
#define HV_SHUTDOWN_reboot 1   /* asks to be restarted */
#define HV_SHUTDOWN_crash 2    /* crashed; also used when the hypervisor kills it */
/* A crash's code, by convention (the library OS follows it): the number of
 * the Linux signal the fault would raise (11 SIGSEGV, 4 SIGILL, 8 SIGFPE,
 * 6 SIGABRT, 7 SIGBUS, 5 SIGTRAP; 6 also when the library OS itself gives
 * up), or 0 when the hypervisor killed it. */
#define HV_SHUTDOWN_MAX 2

/*
 * grant_table_op(IN cmd, IN arg, IN count): grant tables, public/grant.h.
 */

/*
 * CPUID leaves of the hypervisor. HV_CPUID_BASE returns the highest leaf in
 * eax and the signature "Exovisor" in ebx, ecx (edx = 0).
 * HV_CPUID_FEATURES returns HV_ABI_VERSION in eax and HV_CPUID_F_* in ebx.
 */
#define HV_CPUID_BASE 0x40000000u
#define HV_CPUID_FEATURES 0x40000001u
#define HV_CPUID_SIGNATURE_EBX 0x766f7845u /* "Exov" */
#define HV_CPUID_SIGNATURE_ECX 0x726f7369u /* "isor" */
#define HV_CPUID_F_VMMCALL (1u << 0)       /* hypercalls use VMMCALL */
#define HV_CPUID_F_VMCALL (1u << 1)        /* hypercalls use VMCALL */

#endif
