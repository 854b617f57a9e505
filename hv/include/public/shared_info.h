/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The shared-info page: one page of the domain's own memory, at guest-physical
 * HV_GUEST_SHARED_INFO_GPA, that the hypervisor writes and the guest reads.
 * It holds per-vCPU event and time state, the event-channel pending and mask
 * bitmaps, and the wall-clock base. The hypervisor never trusts what it reads
 * back from this page: the guest may scribble on it, and only its own
 * delivery of events is affected.
 *
 * Event delivery (two levels, as in Xen): sending port P sets bit P of
 * evtchn_pending; if the bit was clear and bit P of evtchn_mask is clear, it
 * sets bit P / 64 of the bound vCPU's pending_sel and then upcall_pending;
 * if that vCPU's upcall_mask is clear, the vCPU gets an upcall: the
 * interrupt vector HV_UPCALL_VECTOR, when it has interrupts enabled. The
 * guest clears upcall_pending, swaps pending_sel to 0, and for each word
 * scans pending & ~mask, clearing each bit before handling its port.
 * Upcalls start masked (upcall_mask = 1 on every vCPU); a guest that takes
 * no interrupts polls instead, sleeping in HV_SCHED_block.
 *
 * Time (pvclock): the hypervisor updates a vCPU's time record when the vCPU
 * is scheduled on a physical CPU and when the TSC scale changes. A reader
 * takes version (odd means an update is in progress: retry), reads the
 * fields, and checks version is unchanged. Then
 *     delta = rdtsc() - tsc_timestamp
 *     now_ns = system_time + ((delta << tsc_shift or >> -tsc_shift) * tsc_to_system_mul) >> 32
 * is nanoseconds since the hypervisor booted, monotonic across vCPUs. The
 * wall clock is wc_sec/wc_nsec (seconds since the Unix epoch at system time
 * 0) plus now_ns; wc_version works like version.
 */
#ifndef HV_PUBLIC_SHARED_INFO_H
#define HV_PUBLIC_SHARED_INFO_H

#include <stdint.h>

#define HV_MAX_VCPUS 32u       /* vCPUs per domain */
#define HV_EVTCHN_PORTS 1024u  /* event-channel ports per domain */
#define HV_EVTCHN_WORDS (HV_EVTCHN_PORTS / 64u)
#define HV_UPCALL_VECTOR 0xf3u /* the interrupt an upcall arrives on */

struct hv_vcpu_time_info {
    uint32_t version;           /* OUT: odd while being updated */
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* OUT: TSC at system_time */
    uint64_t system_time;       /* OUT: ns since boot at tsc_timestamp */
    uint32_t tsc_to_system_mul; /* OUT: 32.32 fixed-point ns per (shifted) tick */
    int8_t tsc_shift;           /* OUT */
    uint8_t flags;              /* OUT: HV_TIME_* */
    uint8_t pad1[2];
};
_Static_assert(sizeof(struct hv_vcpu_time_info) == 32, "time info layout");

#define HV_TIME_STABLE (1u << 0) /* TSC is synchronised across CPUs */

struct hv_vcpu_info {
    uint8_t upcall_pending;     /* OUT: set when an event is pending */
    uint8_t upcall_mask;        /* IN: non-zero to block upcalls */
    uint8_t pad0[6];
    uint64_t pending_sel;       /* OUT: which evtchn_pending words to scan */
    uint64_t pad1[2];
    struct hv_vcpu_time_info time;
};
_Static_assert(sizeof(struct hv_vcpu_info) == 64, "vcpu info layout");

struct hv_shared_info {
    struct hv_vcpu_info vcpu[HV_MAX_VCPUS];    /* 0x000 */
    uint64_t evtchn_pending[HV_EVTCHN_WORDS];  /* 0x800, OUT (guest clears) */
    uint64_t evtchn_mask[HV_EVTCHN_WORDS];     /* 0x880, IN */
    uint32_t wc_version;                       /* 0x900, OUT */
    uint32_t wc_nsec;                          /* OUT */
    uint64_t wc_sec;                           /* OUT */
    uint8_t pad[4096 - 0x910];
};
_Static_assert(sizeof(struct hv_shared_info) == 4096, "shared info layout");

#endif
