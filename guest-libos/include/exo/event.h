/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels for applications (public/event.h has the hypervisor's
 * side). The library OS keeps upcalls masked, as it takes no interrupts: a
 * domain waits for a port by looking at the shared-info bitmaps and sleeping
 * in HV_SCHED_block, which returns as soon as any event is pending. Every
 * function returns 0 or a negative HV_Exxx; ports are numbers in
 * [1, HV_EVTCHN_PORTS).
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
/* Sleep until port is pending, then clear it. For vCPU 0 and ports that
 * notify it (as new ports do). Returns 0 or -HV_EINVAL. */
int event_wait(uint32_t port);

#endif
