/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels (public/event.h is the guest's side): each domain has a
 * table of HV_EVTCHN_PORTS ports; a port is free, unbound (offered to one
 * domain), interdomain (connected to a port of another domain, or of the
 * same one), bound to a VIRQ, or closed (its other end went away). Sending
 * marks the port pending in the receiving domain's shared-info page and
 * wakes the vCPU it is bound to; it costs the same whatever the number of
 * ports (O(1)). Ports name their peer by domain id and port number, never by
 * pointer, and a dying domain closes every channel that names it, so no
 * reference outlives its target.
 *
 * Locking: callers hold the hypervisor lock (hv_lock()), except for
 * event_upcall_deliverable(), which only reads the guest's flags.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/domain.h>
#include <public/hv.h>

/* Create d's port table (upcalls start masked on every vCPU). Called by
 * domain_create() once the shared-info page and the vCPUs exist.
 * Returns 0 or -HV_ENOMEM. */
int event_domain_init(struct domain *d) __must_check;

/* Close every port of d, and every port of another domain that names d:
 * their owners see them as closed (HV_EVTCHN_STATE_closed), with an event
 * pending on them so that a waiting vCPU notices. Frees the table. Safe on
 * a domain whose table was never created. */
void event_domain_destroy(struct domain *d);

/* Send virq to vCPU v if v's domain bound it (HV_VIRQ_TIMER is per vCPU;
 * for the per-domain VIRQs pass any vCPU of the domain). Nothing if unbound. */
void event_send_virq(struct vcpu *v, unsigned int virq);

/* Device interrupts (hv/physdev.h): bind a new port of d, notifying vCPU
 * vcpu, to pirq (0, -HV_EINVAL, -HV_ENOSPC, -HV_ENOMEM); send on it (nothing
 * if the port is no longer bound to that pirq); close it, which calls
 * physdev_pirq_closed() (-HV_EINVAL if port is not a pirq port). */
int event_bind_pirq(struct domain *d, unsigned int vcpu, unsigned int pirq,
                    unsigned int *port) __must_check;
void event_send_pirq(struct domain *d, unsigned int port, unsigned int pirq);
int event_close_pirq(struct domain *d, uint64_t port) __must_check;

/* Whether d has bound virq (for HV_VIRQ_TIMER: on any vCPU). */
bool event_virq_bound(const struct domain *d, unsigned int virq);
/* Ports bound to each VIRQ, all domains together (event.c). */
extern unsigned int virq_bound_ports[HV_VIRQ_COUNT];

/* Whether any domain has bound virq; O(1), asked on every scheduling pass. */
static inline bool event_virq_bound_anywhere(unsigned int virq)
{
    return virq < HV_VIRQ_COUNT && virq_bound_ports[virq] != 0;
}

/* Whether an event channel could ever wake v: a port that notifies v is
 * unbound, interdomain or bound to a VIRQ. */
bool event_vcpu_can_wake(const struct vcpu *v);

/* Whether v has an event pending (its upcall_pending flag), masked or not.
 * Read from the guest's page: use it only to decide whether v may sleep. */
static inline bool event_vcpu_pending(const struct vcpu *v)
{
    return __atomic_load_n(&v->domain->shared_info->vcpu[v->id].upcall_pending,
                           __ATOMIC_SEQ_CST);
}

/* Whether v should get an upcall now: an event is pending and v has not
 * masked upcalls. The vCPU back ends ask before entering the guest. */
static inline bool event_upcall_deliverable(const struct vcpu *v)
{
    const struct hv_vcpu_info *vi = &v->domain->shared_info->vcpu[v->id];

    return __atomic_load_n(&vi->upcall_pending, __ATOMIC_SEQ_CST) &&
           !__atomic_load_n(&vi->upcall_mask, __ATOMIC_SEQ_CST);
}

/* Counters of d's events (for monitoring): sends it made, and events that
 * arrived on its ports (from domains and from the hypervisor). */
struct event_stats {
    uint64_t sent, received;
    unsigned int ports_in_use;
};
void event_domain_stats(const struct domain *d, struct event_stats *out);

#endif
