/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels for applications (public/event.h has the hypervisor's
 * side). A port may have a handler, which the library OS calls when the
 * port is pending and not masked: from its idle loop (after HV_SCHED_block
 * returns), whenever it schedules threads on vCPU 0, and from the upcall
 * interrupt where upcalls are enabled. Or threads may wait for it, blocked
 * while other threads run. Or the application may poll it. New ports
 * notify vCPU 0, where the threads are. Every function returns 0 or a
 * negative HV_Exxx; ports are numbers in [1, HV_EVTCHN_PORTS).
 */
#ifndef EXO_EVENT_H
#define EXO_EVENT_H

#include <public/hv.h>
#include <stdint.h>

/* A new port (the lowest free one) that only remote_dom may bind to. */
int event_alloc_unbound(uint32_t remote_dom, uint32_t *port);
/* A new port connected to remote_port of remote_dom, which must have been
 * allocated unbound for this domain. */
int event_bind_interdomain(uint32_t remote_dom, uint32_t remote_port, uint32_t *local_port);
/* A new port that receives virq (HV_VIRQ_*) on vcpu. */
int event_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port);
/* Notify the other end of port; of count ports at once, all or none. */
int event_send(uint32_t port);
int event_send_batch(const uint32_t *ports, unsigned int count);
int event_close(uint32_t port);
int event_status(uint32_t port, struct hv_evtchn_status *status);
/* Clear port's mask bit; a pending event is then delivered. */
int event_unmask(uint32_t port);
/* Notify vcpu of events on port. */
int event_bind_vcpu(uint32_t port, uint32_t vcpu);

/* 1 if port was pending (and clear it), else 0. */
int event_test_and_clear(uint32_t port);
/* Set port's mask bit: its events stay pending, undelivered, until
 * event_unmask. */
int event_mask(uint32_t port);

/* Block the calling thread until port is pending, then clear it. Other
 * threads run meanwhile; when none can, the vCPU sleeps in the hypervisor.
 * On a secondary vCPU (for ports bound to it) the vCPU itself sleeps.
 * A port with a handler never wakes a waiter: its handler takes the event.
 * Returns 0 or -HV_EINVAL. */
int event_wait(uint32_t port);

/*
 * fn(port, arg) is called for every event on port, the port cleared
 * first; NULL removes the handler. Handlers run with interrupts off, in
 * interrupt context or the scheduler's, on the vCPU the port notifies:
 * they must not block (no futex wait, sleep or event_wait: that is a
 * crash), but may send events and wake threads with FUTEX_WAKE (not
 * through musl's pthread functions, which take locks). -HV_EBUSY if
 * port has a handler already, -HV_EINVAL for a bad port.
 */
typedef void (*event_handler_t)(uint32_t port, void *arg);
int event_bind_handler(uint32_t port, event_handler_t fn, void *arg);

#endif
