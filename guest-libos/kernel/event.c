/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event channels (exo/event.h): the evtchn_op commands with their argument
 * structures; handlers bound to ports and their dispatch; and threads
 * waiting for ports.
 *
 * Dispatch follows the two levels of public/shared_info.h on the calling
 * vCPU: clear upcall_pending, take pending_sel, and for each word it names
 * look at the pending ports that are not masked. A port with a handler is
 * cleared and its handler called; a port without one is left pending for
 * whoever polls or waits for it, and the threads waiting for it (all of
 * them: one takes the event, the others wait again) are made runnable.
 * The scheduler dispatches on vCPU 0 before it picks a thread and after
 * HV_SCHED_block returns; event_upcall, the interrupt handler's, does it
 * whenever an upcall arrives. Handlers run with interrupts off and must
 * not block.
 *
 * Locking: handlers[] is written under the scheduler lock and read
 * without it (a handler and its argument are published together by
 * ordering the argument first); waiters is under the scheduler lock.
 */
#include <exo/event.h>
#include <exo/hypercall.h>

#include "private.h"
#include "thread.h"

struct handler {
    event_handler_t fn;
    void *arg;
};

static struct hv_shared_info *const shared =
    (struct hv_shared_info *)(uintptr_t)HV_GUEST_SHARED_INFO_GPA;
static struct handler handlers[HV_EVTCHN_PORTS];
static struct list waiters; /* threads in event_wait, wait_key the port or ANY_PORT */

#define ANY_PORT 0 /* not a port: event_wait_any's waiters */

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

int event_mask(uint32_t port)
{
    if (port == 0 || port >= HV_EVTCHN_PORTS)
        return -HV_EINVAL;
    __atomic_fetch_or(&shared->evtchn_mask[port / 64], 1ull << (port % 64), __ATOMIC_SEQ_CST);
    return 0;
}

int event_bind_handler(uint32_t port, event_handler_t fn, void *arg)
{
    unsigned long irq;

    if (port == 0 || port >= HV_EVTCHN_PORTS)
        return -HV_EINVAL;
    irq = sched_lock();
    if (fn && handlers[port].fn) {
        sched_unlock(irq);
        return -HV_EBUSY;
    }
    /* The argument first: a dispatch on another vCPU that sees the new
     * function sees its argument. */
    __atomic_store_n(&handlers[port].arg, arg, __ATOMIC_RELEASE);
    __atomic_store_n(&handlers[port].fn, fn, __ATOMIC_RELEASE);
    sched_unlock(irq);
    return 0;
}

void event_init(void)
{
    list_init(&waiters);
}

int event_pending_here(void)
{
    return __atomic_load_n(&shared->vcpu[vcpu_id()].upcall_pending, __ATOMIC_ACQUIRE) != 0;
}

/* With the scheduler lock held: clear the calling vCPU's notice of events
 * when no thread waits for events and every unmasked port it announced
 * has been taken already (by event_wait's own look), so that a thread
 * waiting in place need not run a dispatch. Returns 1 when
 * event_dispatch has work left (the notice then stands). */
int event_settle(void)
{
    struct hv_vcpu_info *vi = &shared->vcpu[vcpu_id()];
    uint64_t sel, left;

    if (!list_empty(&waiters))
        return 1;
    /* Cleared before looking, as in event_dispatch. */
    __atomic_store_n(&vi->upcall_pending, 0, __ATOMIC_SEQ_CST);
    sel = __atomic_exchange_n(&vi->pending_sel, 0, __ATOMIC_SEQ_CST);
    for (left = sel; left; left &= left - 1) {
        unsigned int word = (unsigned int)__builtin_ctzll(left);

        if (word >= HV_EVTCHN_WORDS)
            continue;
        if (__atomic_load_n(&shared->evtchn_pending[word], __ATOMIC_ACQUIRE) &
            ~__atomic_load_n(&shared->evtchn_mask[word], __ATOMIC_ACQUIRE)) {
            __atomic_fetch_or(&vi->pending_sel, sel, __ATOMIC_SEQ_CST);
            __atomic_store_n(&vi->upcall_pending, 1, __ATOMIC_SEQ_CST);
            return 1;
        }
    }
    return 0;
}

/* Make the threads waiting for port runnable. */
static void wake_waiters(uint32_t port)
{
    unsigned long irq = sched_lock();
    struct list *p, *next;

    for (p = waiters.next; p != &waiters; p = next) {
        struct thread *t = list_entry(p, struct thread, link);

        next = p->next;
        if (t->wait_key == port)
            thread_wake(t, 0);
    }
    sched_unlock(irq);
}

static void dispatch_port(uint32_t port)
{
    event_handler_t fn = __atomic_load_n(&handlers[port].fn, __ATOMIC_ACQUIRE);

    if (!fn) {
        wake_waiters(port);
        return;
    }
    /* Another vCPU's dispatch may have taken it meanwhile. */
    if (event_test_and_clear(port))
        fn(port, __atomic_load_n(&handlers[port].arg, __ATOMIC_ACQUIRE));
}

void event_dispatch(void)
{
    struct percpu *cpu = percpu_self();
    struct hv_vcpu_info *vi = &shared->vcpu[cpu->id];
    uint64_t sel;

    /* Cleared before looking, so that an event that arrives after the
     * look sets it again: then HV_SCHED_block returns at once. */
    __atomic_store_n(&vi->upcall_pending, 0, __ATOMIC_SEQ_CST);
    sel = __atomic_exchange_n(&vi->pending_sel, 0, __ATOMIC_SEQ_CST);
    if (sel)
        wake_waiters(ANY_PORT);
    cpu->in_handler++;
    while (sel) {
        unsigned int word = (unsigned int)__builtin_ctzll(sel);
        uint64_t bits;

        sel &= sel - 1;
        if (word >= HV_EVTCHN_WORDS)
            continue; /* the guest's own page may hold anything */
        bits = __atomic_load_n(&shared->evtchn_pending[word], __ATOMIC_ACQUIRE) &
               ~__atomic_load_n(&shared->evtchn_mask[word], __ATOMIC_ACQUIRE);
        while (bits) {
            uint32_t port = word * 64 + (uint32_t)__builtin_ctzll(bits);

            bits &= bits - 1;
            dispatch_port(port);
        }
    }
    cpu->in_handler--;
}

/* The upcall interrupt (HV_UPCALL_VECTOR) lands here through the trap
 * code: in interrupt context, so nothing here switches threads. */
void event_upcall(void)
{
    event_dispatch();
}

int event_wait_any(uint64_t deadline)
{
    unsigned long irq;
    struct thread *self;

    if (!sched_active()) {
        if (deadline != NO_DEADLINE)
            hv_sched_op(HV_SCHED_set_timer, (long)deadline, 0);
        hv_sched_op(HV_SCHED_block, 0, 0);
        return 0;
    }
    irq = sched_lock();
    self = thread_current();
    self->wait_key = ANY_PORT;
    list_add_tail(&waiters, &self->link);
    thread_block(deadline);
    sched_unlock(irq);
    return 0;
}

int event_wait(uint32_t port)
{
    uint8_t *upcall_pending;
    unsigned long irq;
    struct thread *self;

    if (port == 0 || port >= HV_EVTCHN_PORTS)
        return -HV_EINVAL;
    /* Already there: taken as the first look under the lock would. */
    if (event_test_and_clear(port))
        return 0;
    if (sched_active()) {
        irq = sched_lock();
        self = thread_current();
        while (!event_test_and_clear(port)) {
            if (sched_wait_here())
                continue;
            self->wait_key = port;
            list_add_tail(&waiters, &self->link);
            thread_block(NO_DEADLINE);
        }
        sched_unlock(irq);
        return 0;
    }
    /* No threads here (a secondary vCPU, or before the scheduler starts):
     * the vCPU polls, sleeping in the hypervisor between looks. */
    upcall_pending = &shared->vcpu[vcpu_id()].upcall_pending;
    for (;;) {
        __atomic_store_n(upcall_pending, 0, __ATOMIC_SEQ_CST);
        if (event_test_and_clear(port))
            return 0;
        hv_sched_op(HV_SCHED_block, 0, 0);
    }
}
