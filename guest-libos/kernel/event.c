/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels (exo/event.h): the evtchn_op commands with their argument
 * structures, and waiting for a port by polling vCPU 0's view of the
 * shared-info page, where the hypervisor marks ports pending.
 */
#include <exo/event.h>
#include <exo/hypercall.h>

static struct hv_shared_info *const shared =
    (struct hv_shared_info *)(uintptr_t)HV_GUEST_SHARED_INFO_GPA;

/* Structures are passed by guest-physical address: the library OS's
 * memory, stack included, is identity-mapped. */
static int op(unsigned int cmd, const void *arg)
{
    return (int)hv_evtchn_op(cmd, (long)(uintptr_t)arg, 0);
}

int event_alloc_unbound(uint32_t remote_dom, uint32_t *port)
{
    struct hv_evtchn_alloc_unbound a = {.remote_dom = remote_dom};
    int err = op(HV_EVTCHN_alloc_unbound, &a);

    if (!err)
        *port = a.port;
    return err;
}

int event_bind_interdomain(uint32_t remote_dom, uint32_t remote_port, uint32_t *local_port)
{
    struct hv_evtchn_bind_interdomain b = {.remote_dom = remote_dom, .remote_port = remote_port};
    int err = op(HV_EVTCHN_bind_interdomain, &b);

    if (!err)
        *local_port = b.local_port;
    return err;
}

int event_bind_virq(uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct hv_evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
    int err = op(HV_EVTCHN_bind_virq, &b);

    if (!err)
        *port = b.port;
    return err;
}

int event_send(uint32_t port)
{
    return (int)hv_evtchn_op(HV_EVTCHN_send, port, 0);
}

int event_send_batch(const uint32_t *ports, unsigned int count)
{
    return (int)hv_evtchn_op(HV_EVTCHN_send_batch, (long)(uintptr_t)ports, count);
}

int event_close(uint32_t port)
{
    return (int)hv_evtchn_op(HV_EVTCHN_close, port, 0);
}

int event_status(uint32_t port, struct hv_evtchn_status *status)
{
    status->port = port;
    return op(HV_EVTCHN_status, status);
}

int event_unmask(uint32_t port)
{
    return (int)hv_evtchn_op(HV_EVTCHN_unmask, port, 0);
}

int event_bind_vcpu(uint32_t port, uint32_t vcpu)
{
    struct hv_evtchn_bind_vcpu b = {.port = port, .vcpu = vcpu};

    return op(HV_EVTCHN_bind_vcpu, &b);
}

int event_test_and_clear(uint32_t port)
{
    uint64_t bit = 1ull << (port % 64);

    if (port >= HV_EVTCHN_PORTS)
        return 0;
    return (__atomic_fetch_and(&shared->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) &
            bit) != 0;
}

int event_wait(uint32_t port)
{
    uint8_t *upcall_pending = &shared->vcpu[0].upcall_pending;

    if (port == 0 || port >= HV_EVTCHN_PORTS)
        return -HV_EINVAL;
    for (;;) {
        /* Clear the summary before looking: an event that arrives after
         * the look sets it again, and then block returns at once. */
        __atomic_store_n(upcall_pending, 0, __ATOMIC_SEQ_CST);
        if (event_test_and_clear(port))
            return 0;
        hv_sched_op(HV_SCHED_block, 0, 0);
    }
}
