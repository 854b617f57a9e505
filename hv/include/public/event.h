/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels: the commands of the evtchn_op hypercall and their argument
 * structures. An event channel is a port number in [1, HV_EVTCHN_PORTS) of
 * one domain; sending on it sets a bit in the shared-info page of whoever is
 * at the other end (public/shared_info.h describes delivery). Ports connect
 * two domains (interdomain: one allocates a port unbound for the other, which
 * binds to it), or receive a virtual interrupt (VIRQ) from the hypervisor.
 * Port 0 is never handed out.
 *
 * evtchn_op(IN cmd, IN arg, IN count). For commands that take a structure,
 * arg is the guest-physical address of it; the hypervisor reads it once,
 * checks everything, acts, and writes the OUT fields back. Padding must be
 * zero. Results are 0 or a negative HV_Exxx; nothing changes on failure.
 */
#ifndef HV_PUBLIC_EVENT_H
#define HV_PUBLIC_EVENT_H

#include <stdint.h>

/* Commands (evtchn_op's cmd). */
#define HV_EVTCHN_alloc_unbound 0    /* arg: struct hv_evtchn_alloc_unbound */
#define HV_EVTCHN_bind_interdomain 1 /* arg: struct hv_evtchn_bind_interdomain */
#define HV_EVTCHN_bind_virq 2        /* arg: struct hv_evtchn_bind_virq */
#define HV_EVTCHN_send 3             /* arg: port */
#define HV_EVTCHN_send_batch 4       /* arg: uint32_t ports[count] */
#define HV_EVTCHN_close 5            /* arg: port */
#define HV_EVTCHN_status 6           /* arg: struct hv_evtchn_status */
#define HV_EVTCHN_unmask 7           /* arg: port */
#define HV_EVTCHN_bind_vcpu 8        /* arg: struct hv_evtchn_bind_vcpu */

/* Most ports one send_batch takes. */
#define HV_EVTCHN_BATCH_MAX 64u

/* Virtual interrupts. TIMER is per vCPU (each vCPU binds its own port);
 * CONSOLE and DOM_EXC are per domain and are bound on vCPU 0. */
#define HV_VIRQ_TIMER 0   /* this vCPU's one-shot timer (HV_SCHED_set_timer) fired */
#define HV_VIRQ_CONSOLE 1 /* console input is available */
#define HV_VIRQ_DOM_EXC 2 /* a domain shut down or died (for the control domain) */
#define HV_VIRQ_COUNT 3

/* Port states, as HV_EVTCHN_status reports them. */
#define HV_EVTCHN_STATE_free 0        /* not allocated */
#define HV_EVTCHN_STATE_unbound 1     /* waiting for remote_dom to bind */
#define HV_EVTCHN_STATE_interdomain 2 /* connected to remote_dom's remote_port */
#define HV_EVTCHN_STATE_virq 3        /* receives virq */
#define HV_EVTCHN_STATE_closed 4      /* the other end closed or its domain died */
#define HV_EVTCHN_STATE_pirq 5        /* receives a device interrupt (public/physdev.h) */

/* HV_EVTCHN_alloc_unbound: a fresh port (the lowest free one) that only
 * remote_dom may bind to; remote_dom may be the caller (a loopback). */
struct hv_evtchn_alloc_unbound {
    uint32_t remote_dom; /* IN: the domain allowed to bind */
    uint32_t port;       /* OUT: the new port */
};
_Static_assert(sizeof(struct hv_evtchn_alloc_unbound) == 8, "alloc_unbound layout");

/* HV_EVTCHN_bind_interdomain: connect a fresh local port to remote_port of
 * remote_dom, which must be unbound and offered to the caller. */
struct hv_evtchn_bind_interdomain {
    uint32_t remote_dom;  /* IN */
    uint32_t remote_port; /* IN */
    uint32_t local_port;  /* OUT: the new port */
    uint32_t pad;         /* IN: zero */
};
_Static_assert(sizeof(struct hv_evtchn_bind_interdomain) == 16, "bind_interdomain layout");

/* HV_EVTCHN_bind_virq: a fresh port that receives virq on vcpu. */
struct hv_evtchn_bind_virq {
    uint32_t virq; /* IN: HV_VIRQ_* */
    uint32_t vcpu; /* IN: 0 for the per-domain VIRQs */
    uint32_t port; /* OUT: the new port */
    uint32_t pad;  /* IN: zero */
};
_Static_assert(sizeof(struct hv_evtchn_bind_virq) == 16, "bind_virq layout");

/* HV_EVTCHN_status: what a port of the caller is. Fields that do not apply
 * to the state are 0. */
struct hv_evtchn_status {
    uint32_t port;        /* IN */
    uint32_t state;       /* OUT: HV_EVTCHN_STATE_* */
    uint32_t vcpu;        /* OUT: the vCPU notified */
    uint32_t remote_dom;  /* OUT: unbound, interdomain, closed: the other domain */
    uint32_t remote_port; /* OUT: interdomain: the other domain's port */
    uint32_t virq;        /* OUT: virq: HV_VIRQ_* */
};
_Static_assert(sizeof(struct hv_evtchn_status) == 24, "status layout");

/* HV_EVTCHN_bind_vcpu: notify vcpu instead when port is sent to (not for a
 * per-vCPU VIRQ). */
struct hv_evtchn_bind_vcpu {
    uint32_t port; /* IN */
    uint32_t vcpu; /* IN */
};
_Static_assert(sizeof(struct hv_evtchn_bind_vcpu) == 8, "bind_vcpu layout");

#endif
