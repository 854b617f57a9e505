/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of event channels on the host machine: every evtchn_op
 * command through the hypercall table, the errors a hostile guest gets
 * (bad ports, other domains' ports, bad pointers, bad batches), the bits
 * delivery sets in shared info, masking and re-delivery on unmask, waking
 * a blocked vCPU, VIRQs, closing one end, destroying a domain with bound
 * channels, and that a send costs the same however many ports exist.
 */
#include "unit.h"

#include "host_machine.h"

#include <hv/domain.h>
#include <hv/event.h>
#include <hv/page_alloc.h>
#include <hv/sched.h>
#include <public/hv.h>
#include <string.h>
#include <time.h>

#define MIB (1ull << 20)
#define MS 1000000ull
#define SCRATCH 0x20000ull /* guest-physical scratch for argument structures */

static int setup(void **state)
{
    host_machine_init(8192); /* 32 MiB */
    return 0;
}

/* Leave no domain behind for the next test (the scheduler's queue is
 * global); the frame accounting must balance. */
static int teardown(void **state)
{
    host_machine_destroy_domains();
    assert_int_equal(page_alloc_audit(), 0);
    return 0;
}

static int64_t evtchn_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count)
{
    uint64_t args[6] = {cmd, arg, count};

    return hypercall_dispatch(v, HV_HC_evtchn_op, args);
}

/* A command whose argument is a structure: placed at SCRATCH in v's
 * domain, and read back after the call. */
static int64_t struct_op(struct vcpu *v, uint64_t cmd, void *s, size_t len)
{
    int64_t r;

    assert_int_equal(copy_to_guest(v->domain, SCRATCH, s, len), 0);
    r = evtchn_op(v, cmd, SCRATCH, 0);
    assert_int_equal(copy_from_guest(v->domain, s, SCRATCH, len), 0);
    return r;
}

static int64_t alloc_unbound(struct vcpu *v, uint32_t remote, uint32_t *port)
{
    struct hv_evtchn_alloc_unbound a = {.remote_dom = remote, .port = 0xdead};
    int64_t r = struct_op(v, HV_EVTCHN_alloc_unbound, &a, sizeof(a));

    if (port)
        *port = a.port;
    return r;
}

static int64_t bind_interdomain(struct vcpu *v, uint32_t remote, uint32_t rport, uint32_t *port)
{
    struct hv_evtchn_bind_interdomain b = {.remote_dom = remote, .remote_port = rport};
    int64_t r = struct_op(v, HV_EVTCHN_bind_interdomain, &b, sizeof(b));

    if (port)
        *port = b.local_port;
    return r;
}

static int64_t bind_virq(struct vcpu *v, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
    struct hv_evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
    int64_t r = struct_op(v, HV_EVTCHN_bind_virq, &b, sizeof(b));

    if (port)
        *port = b.port;
    return r;
}

static int64_t bind_vcpu(struct vcpu *v, uint32_t port, uint32_t vcpu)
{
    struct hv_evtchn_bind_vcpu b = {.port = port, .vcpu = vcpu};

    return struct_op(v, HV_EVTCHN_bind_vcpu, &b, sizeof(b));
}

static struct hv_evtchn_status status(struct vcpu *v, uint32_t port)
{
    struct hv_evtchn_status s = {.port = port, .state = 99};

    assert_int_equal(struct_op(v, HV_EVTCHN_status, &s, sizeof(s)), 0);
    return s;
}

static int64_t send(struct vcpu *v, uint64_t port)
{
    return evtchn_op(v, HV_EVTCHN_send, port, 0);
}

static int64_t close_port(struct vcpu *v, uint64_t port)
{
    return evtchn_op(v, HV_EVTCHN_close, port, 0);
}

static int64_t send_batch(struct vcpu *v, const uint32_t *ports, uint64_t count)
{
    assert_int_equal(copy_to_guest(v->domain, SCRATCH, ports, count * sizeof(*ports)), 0);
    return evtchn_op(v, HV_EVTCHN_send_batch, SCRATCH, count);
}

static bool pending(struct domain *d, unsigned int port)
{
    return d->shared_info->evtchn_pending[port / 64] & (1ull << (port % 64));
}

static struct hv_vcpu_info *vinfo(struct vcpu *v)
{
    return &v->domain->shared_info->vcpu[v->id];
}

/* What a guest does after looking at its events. */
static void guest_clear(struct vcpu *v)
{
    struct hv_shared_info *si = v->domain->shared_info;

    memset(si->evtchn_pending, 0, sizeof(si->evtchn_pending));
    vinfo(v)->upcall_pending = 0;
    vinfo(v)->pending_sel = 0;
}

static unsigned int ports_in_use(struct domain *d)
{
    struct event_stats st;

    event_domain_stats(d, &st);
    return st.ports_in_use;
}

/* d0 offers a port to d1, d1 binds: returns both ends. */
static void connect(struct vcpu *a, struct vcpu *b, uint32_t *pa, uint32_t *pb)
{
    assert_int_equal(alloc_unbound(a, b->domain->id, pa), 0);
    assert_int_equal(bind_interdomain(b, a->domain->id, *pa, pb), 0);
}

static void test_alloc_unbound_and_status(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct vcpu *v = d0->vcpu[0];
    struct hv_evtchn_status s;
    uint32_t p;

    assert_int_equal(ports_in_use(d0), 0);
    /* The lowest free port, never 0. */
    assert_int_equal(alloc_unbound(v, 1, &p), 0);
    assert_int_equal(p, 1);
    assert_int_equal(alloc_unbound(v, 1, &p), 0);
    assert_int_equal(p, 2);
    assert_int_equal(alloc_unbound(v, 0, &p), 0); /* loopback is allowed */
    assert_int_equal(p, 3);
    assert_int_equal(ports_in_use(d0), 3);
    s = status(v, 1);
    assert_int_equal(s.port, 1);
    assert_int_equal(s.state, HV_EVTCHN_STATE_unbound);
    assert_int_equal(s.remote_dom, 1);
    assert_int_equal(s.vcpu, 0);
    assert_int_equal(s.remote_port, 0);
    assert_int_equal(close_port(v, 1), 0);
    assert_int_equal(status(v, 1).state, HV_EVTCHN_STATE_free);
    assert_int_equal(alloc_unbound(v, 1, &p), 0);
    assert_int_equal(p, 1); /* reused */
    assert_int_equal(status(v, 700).state, HV_EVTCHN_STATE_free);
    /* No such domain. */
    assert_int_equal(alloc_unbound(v, 5, NULL), -HV_ESRCH);
    assert_int_equal(alloc_unbound(v, DOMAIN_MAX, NULL), -HV_ESRCH);
    assert_int_equal(alloc_unbound(v, UINT32_MAX, NULL), -HV_ESRCH);
    assert_int_equal(ports_in_use(d0), 3);
    assert_int_equal(ports_in_use(d1), 0);
}

static void test_upcalls_start_masked(void **state)
{
    struct domain *d = host_domain(2, 4 * MIB, 3);

    for (unsigned int i = 0; i < 3; i++) {
        assert_int_equal(vinfo(d->vcpu[i])->upcall_mask, 1);
        assert_int_equal(vinfo(d->vcpu[i])->upcall_pending, 0);
        assert_false(event_vcpu_can_wake(d->vcpu[i]));
    }
}

static void test_bind_interdomain_rules(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct domain *d2 = host_domain(2, 4 * MIB, 1);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0], *v2 = d2->vcpu[0];
    struct hv_evtchn_bind_interdomain b;
    struct hv_evtchn_status s;
    uint32_t p, q, mine, theirs;

    assert_int_equal(alloc_unbound(v0, 1, &p), 0);
    /* Only the domain it was offered to may bind. */
    assert_int_equal(bind_interdomain(v2, 0, p, NULL), -HV_EPERM);
    assert_int_equal(bind_interdomain(v0, 0, p, NULL), -HV_EPERM);
    assert_int_equal(bind_interdomain(v1, 0, p, &q), 0);
    assert_int_equal(q, 1);
    s = status(v0, p);
    assert_int_equal(s.state, HV_EVTCHN_STATE_interdomain);
    assert_int_equal(s.remote_dom, 1);
    assert_int_equal(s.remote_port, q);
    s = status(v1, q);
    assert_int_equal(s.state, HV_EVTCHN_STATE_interdomain);
    assert_int_equal(s.remote_dom, 0);
    assert_int_equal(s.remote_port, p);
    /* Bound already: not unbound any more. */
    assert_int_equal(bind_interdomain(v1, 0, p, NULL), -HV_EINVAL);
    assert_int_equal(bind_interdomain(v2, 0, p, NULL), -HV_EINVAL);
    /* Bad ports and domains. */
    assert_int_equal(bind_interdomain(v1, 0, 0, NULL), -HV_EINVAL);
    assert_int_equal(bind_interdomain(v1, 0, HV_EVTCHN_PORTS, NULL), -HV_EINVAL);
    assert_int_equal(bind_interdomain(v1, 0, UINT32_MAX, NULL), -HV_EINVAL);
    assert_int_equal(bind_interdomain(v1, 0, 77, NULL), -HV_EINVAL);
    assert_int_equal(bind_interdomain(v1, 9, 1, NULL), -HV_ESRCH);
    assert_int_equal(bind_interdomain(v1, UINT32_MAX, 1, NULL), -HV_ESRCH);
    /* A port d0 offered to itself is not d2's to take, but d0's. */
    assert_int_equal(alloc_unbound(v0, 0, &mine), 0);
    assert_int_equal(bind_interdomain(v2, 0, mine, NULL), -HV_EPERM);
    assert_int_equal(bind_interdomain(v0, 0, mine, &theirs), 0);
    assert_int_not_equal(theirs, mine);
    assert_int_equal(send(v0, theirs), 0);
    assert_true(pending(d0, mine));
    /* Non-zero padding is refused. */
    assert_int_equal(alloc_unbound(v0, 1, &p), 0);
    b = (struct hv_evtchn_bind_interdomain){.remote_dom = 0, .remote_port = p, .pad = 1};
    assert_int_equal(struct_op(v1, HV_EVTCHN_bind_interdomain, &b, sizeof(b)), -HV_EINVAL);
    assert_int_equal(status(v0, p).state, HV_EVTCHN_STATE_unbound);
    assert_int_equal(ports_in_use(d1), 1);
}

static void test_send_sets_the_shared_info_bits(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0];
    struct event_stats st;
    uint32_t p, q, hi_p, hi_q;

    connect(v0, v1, &p, &q);
    assert_false(pending(d1, q));
    assert_int_equal(send(v0, p), 0);
    assert_true(pending(d1, q));
    assert_false(pending(d0, p));
    assert_int_equal(vinfo(v1)->pending_sel, 1ull << (q / 64));
    assert_int_equal(vinfo(v1)->upcall_pending, 1);
    assert_true(event_vcpu_pending(v1));
    /* Upcalls start masked: pending, but no upcall until unmasked. */
    assert_false(event_upcall_deliverable(v1));
    vinfo(v1)->upcall_mask = 0;
    assert_true(event_upcall_deliverable(v1));
    /* Both directions. */
    assert_int_equal(send(v1, q), 0);
    assert_true(pending(d0, p));

    /* A port in the second word and on the second page of the table. */
    for (unsigned int i = 0; i < 700; i++)
        assert_int_equal(alloc_unbound(v1, 1, NULL), 0);
    connect(v0, v1, &hi_p, &hi_q);
    assert_true(hi_q > 700);
    guest_clear(v1);
    assert_int_equal(send(v0, hi_p), 0);
    assert_true(pending(d1, hi_q));
    assert_int_equal(vinfo(v1)->pending_sel, 1ull << (hi_q / 64));
    assert_int_equal(vinfo(v1)->upcall_pending, 1);

    event_domain_stats(d0, &st);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.received, 1);
    event_domain_stats(d1, &st);
    assert_int_equal(st.sent, 1);
    assert_int_equal(st.received, 2);
    assert_int_equal(st.ports_in_use, 702);
}

static void test_bad_ports_get_errors(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0];
    const uint64_t bad[] = {0, UINT64_MAX, (uint64_t)-1L, UINT32_MAX, HV_EVTCHN_PORTS,
                            HV_EVTCHN_PORTS + 1, (1ull << 32) | 1, 1ull << 63, 500};
    uint32_t p, q, u, c, virq, only_d1;

    connect(v0, v1, &p, &q);
    assert_int_equal(alloc_unbound(v0, 1, &u), 0);
    assert_int_equal(alloc_unbound(v0, 1, &c), 0);
    assert_int_equal(bind_virq(v0, HV_VIRQ_TIMER, 0, &virq), 0);
    assert_int_equal(close_port(v0, c), 0);
    for (unsigned int i = 0; i < 20; i++)
        assert_int_equal(alloc_unbound(v1, 1, &only_d1), 0);
    guest_clear(v1);

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(send(v0, bad[i]), -HV_EINVAL);
        assert_int_equal(close_port(v0, bad[i]), -HV_EINVAL);
        assert_int_equal(evtchn_op(v0, HV_EVTCHN_unmask, bad[i], 0), -HV_EINVAL);
    }
    /* Closed, someone else's, a VIRQ's, and one without a peer yet. */
    assert_int_equal(send(v0, c), -HV_EINVAL);
    assert_int_equal(close_port(v0, c), -HV_EINVAL);
    assert_int_equal(send(v0, only_d1), -HV_EINVAL);
    assert_int_equal(close_port(v0, only_d1), -HV_EINVAL);
    assert_int_equal(bind_vcpu(v0, only_d1, 0), -HV_EINVAL);
    assert_int_equal(send(v0, virq), -HV_EINVAL);
    assert_int_equal(send(v0, u), -HV_ENOENT);
    /* Status of a bad number fails; of a free one says free. */
    {
        struct hv_evtchn_status s = {.port = 0};

        assert_int_equal(struct_op(v0, HV_EVTCHN_status, &s, sizeof(s)), -HV_EINVAL);
        s.port = HV_EVTCHN_PORTS;
        assert_int_equal(struct_op(v0, HV_EVTCHN_status, &s, sizeof(s)), -HV_EINVAL);
        assert_int_equal(status(v0, only_d1).state, HV_EVTCHN_STATE_free);
    }
    /* Unknown commands. */
    assert_int_equal(evtchn_op(v0, 9, 0, 0), -HV_ENOSYS);
    assert_int_equal(evtchn_op(v0, UINT64_MAX, 0, 0), -HV_ENOSYS);
    /* Bad pointers, and nothing changed. */
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_alloc_unbound, 4 * MIB, 0), -HV_EFAULT);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_alloc_unbound, 4 * MIB - 4, 0), -HV_EFAULT);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_alloc_unbound, UINT64_MAX - 3, 0), -HV_EFAULT);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_bind_interdomain, 4 * MIB, 0), -HV_EFAULT);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_bind_virq, 1ull << 52, 0), -HV_EFAULT);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_status, 4 * MIB - 8, 0), -HV_EFAULT);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_bind_vcpu, UINT64_MAX, 0), -HV_EFAULT);
    assert_int_equal(ports_in_use(d0), 3);
    /* The other domain is untouched by all of it. */
    assert_false(pending(d1, q));
    assert_int_equal(vinfo(v1)->upcall_pending, 0);
    assert_int_equal(send(v0, p), 0);
    assert_true(pending(d1, q));
    assert_int_equal(d1->state, DOMAIN_RUNNING);
    assert_int_equal(d0->state, DOMAIN_RUNNING);
}

static void test_mask_and_unmask_redelivers(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0];
    struct hv_shared_info *si = d1->shared_info;
    uint32_t p, q;

    connect(v0, v1, &p, &q);
    si->evtchn_mask[q / 64] |= 1ull << (q % 64);
    assert_int_equal(send(v0, p), 0);
    assert_true(pending(d1, q)); /* marked, */
    assert_int_equal(vinfo(v1)->upcall_pending, 0); /* not notified */
    assert_int_equal(vinfo(v1)->pending_sel, 0);
    assert_false(event_vcpu_pending(v1));
    assert_int_equal(evtchn_op(v1, HV_EVTCHN_unmask, q, 0), 0);
    assert_false(si->evtchn_mask[q / 64] & (1ull << (q % 64)));
    assert_int_equal(vinfo(v1)->upcall_pending, 1);
    assert_int_equal(vinfo(v1)->pending_sel, 1ull << (q / 64));
    /* Unmasking a port with nothing pending notifies nobody. */
    guest_clear(v1);
    assert_int_equal(evtchn_op(v1, HV_EVTCHN_unmask, q, 0), 0);
    assert_int_equal(vinfo(v1)->upcall_pending, 0);
    /* Already pending: a second send adds nothing. */
    assert_int_equal(send(v0, p), 0);
    vinfo(v1)->upcall_pending = 0;
    assert_int_equal(send(v0, p), 0);
    assert_int_equal(vinfo(v1)->upcall_pending, 0);
}

static void test_virqs(void **state)
{
    struct domain *d = host_domain(3, 4 * MIB, 2);
    struct vcpu *v0 = d->vcpu[0], *v1 = d->vcpu[1];
    struct hv_evtchn_bind_virq b;
    struct hv_evtchn_status s;
    uint32_t t0, t1, con, dup;

    assert_int_equal(bind_virq(v0, HV_VIRQ_TIMER, 0, &t0), 0);
    assert_int_equal(bind_virq(v1, HV_VIRQ_TIMER, 1, &t1), 0);
    assert_int_equal(bind_virq(v0, HV_VIRQ_TIMER, 0, NULL), -HV_EBUSY);
    assert_int_equal(bind_virq(v0, HV_VIRQ_COUNT, 0, NULL), -HV_EINVAL);
    assert_int_equal(bind_virq(v0, UINT32_MAX, 0, NULL), -HV_EINVAL);
    assert_int_equal(bind_virq(v0, HV_VIRQ_TIMER, 2, NULL), -HV_EINVAL);
    assert_int_equal(bind_virq(v0, HV_VIRQ_TIMER, HV_MAX_VCPUS, NULL), -HV_EINVAL);
    /* The per-domain VIRQs are bound on vCPU 0. */
    assert_int_equal(bind_virq(v0, HV_VIRQ_CONSOLE, 1, NULL), -HV_EINVAL);
    assert_int_equal(bind_virq(v0, HV_VIRQ_CONSOLE, 0, &con), 0);
    assert_int_equal(bind_virq(v1, HV_VIRQ_CONSOLE, 0, NULL), -HV_EBUSY);
    b = (struct hv_evtchn_bind_virq){.virq = HV_VIRQ_DOM_EXC, .pad = 7};
    assert_int_equal(struct_op(v0, HV_EVTCHN_bind_virq, &b, sizeof(b)), -HV_EINVAL);
    s = status(v1, t1);
    assert_int_equal(s.state, HV_EVTCHN_STATE_virq);
    assert_int_equal(s.virq, HV_VIRQ_TIMER);
    assert_int_equal(s.vcpu, 1);
    assert_int_equal(s.remote_dom, 0);
    assert_true(event_vcpu_can_wake(v0));
    assert_true(event_vcpu_can_wake(v1));

    /* The timer VIRQ goes to the vCPU whose timer fired. */
    sched_timer_fired(v1);
    assert_true(pending(d, t1));
    assert_false(pending(d, t0));
    assert_int_equal(vinfo(v1)->upcall_pending, 1);
    assert_int_equal(vinfo(v0)->upcall_pending, 0);
    /* A per-domain VIRQ follows bind_vcpu. */
    event_send_virq(v1, HV_VIRQ_CONSOLE);
    assert_true(pending(d, con));
    assert_int_equal(vinfo(v0)->upcall_pending, 1);
    guest_clear(v0);
    guest_clear(v1);
    assert_int_equal(bind_vcpu(v0, con, 1), 0);
    assert_int_equal(status(v0, con).vcpu, 1);
    event_send_virq(v0, HV_VIRQ_CONSOLE);
    assert_int_equal(vinfo(v1)->upcall_pending, 1);
    assert_int_equal(vinfo(v0)->upcall_pending, 0);
    /* A per-vCPU VIRQ stays with its vCPU; vCPUs must exist. */
    assert_int_equal(bind_vcpu(v0, t0, 1), -HV_EINVAL);
    assert_int_equal(bind_vcpu(v0, con, 2), -HV_EINVAL);
    /* Unbound VIRQs are dropped; closing makes the VIRQ free again. */
    event_send_virq(v0, HV_VIRQ_DOM_EXC);
    event_send_virq(v0, 1000);
    assert_int_equal(close_port(v0, t0), 0);
    assert_int_equal(bind_virq(v0, HV_VIRQ_TIMER, 0, &dup), 0);
    assert_int_equal(dup, t0);
    /* Nobody can send on a VIRQ port. */
    assert_int_equal(send(v0, con), -HV_EINVAL);
}

static void test_bind_vcpu_moves_notification(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 2);
    struct vcpu *v0 = d0->vcpu[0];
    uint32_t p, q;

    connect(v0, d1->vcpu[0], &p, &q);
    assert_true(event_vcpu_can_wake(d1->vcpu[0]));
    assert_false(event_vcpu_can_wake(d1->vcpu[1]));
    assert_int_equal(bind_vcpu(d1->vcpu[0], q, 1), 0);
    assert_false(event_vcpu_can_wake(d1->vcpu[0]));
    assert_true(event_vcpu_can_wake(d1->vcpu[1]));
    assert_int_equal(send(v0, p), 0);
    assert_int_equal(vinfo(d1->vcpu[1])->upcall_pending, 1);
    assert_int_equal(vinfo(d1->vcpu[0])->upcall_pending, 0);
    assert_int_equal(bind_vcpu(d1->vcpu[0], q, 2), -HV_EINVAL);
    assert_int_equal(bind_vcpu(d1->vcpu[0], q, UINT32_MAX), -HV_EINVAL);
    assert_int_equal(bind_vcpu(d1->vcpu[0], 0, 0), -HV_EINVAL);
    assert_int_equal(status(d1->vcpu[0], q).vcpu, 1);
}

static void test_close_one_end(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0];
    struct hv_evtchn_status s;
    uint32_t p, q;

    connect(v0, v1, &p, &q);
    assert_int_equal(close_port(v0, p), 0);
    assert_int_equal(status(v0, p).state, HV_EVTCHN_STATE_free);
    s = status(v1, q);
    assert_int_equal(s.state, HV_EVTCHN_STATE_closed);
    assert_int_equal(s.remote_dom, 0);
    assert_int_equal(s.remote_port, 0);
    /* The survivor is told: its port is pending. */
    assert_true(pending(d1, q));
    assert_int_equal(vinfo(v1)->upcall_pending, 1);
    assert_int_equal(send(v1, q), -HV_ENOENT);
    assert_false(event_vcpu_can_wake(v1));
    /* The number p is free in d0 and unrelated to q now. */
    assert_int_equal(send(v0, p), -HV_EINVAL);
    assert_int_equal(alloc_unbound(v0, 1, NULL), 0);
    assert_int_equal(status(v1, q).state, HV_EVTCHN_STATE_closed);
    assert_int_equal(close_port(v1, q), 0);
    assert_int_equal(ports_in_use(d1), 0);
    assert_int_equal(ports_in_use(d0), 1);
}

static void test_destroy_with_bound_channels(void **state)
{
    uint64_t before = host_free_frames();
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct domain *d2 = host_domain(2, 4 * MIB, 1);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0];
    uint32_t p, q, for_d2, loop_a, loop_b, virq;
    struct hv_evtchn_status s;

    connect(v0, v1, &p, &q);
    assert_int_equal(alloc_unbound(v0, 2, &for_d2), 0);
    /* d1 also has loopback and VIRQ ports, some on its second page. */
    for (unsigned int i = 0; i < 600; i++)
        assert_int_equal(alloc_unbound(v1, 0, NULL), 0);
    assert_int_equal(alloc_unbound(v1, 1, &loop_a), 0);
    assert_int_equal(bind_interdomain(v1, 1, loop_a, &loop_b), 0);
    assert_int_equal(bind_virq(v1, HV_VIRQ_TIMER, 0, &virq), 0);
    guest_clear(v0);

    domain_destroy(d1);
    assert_null(domain_lookup(1));
    s = status(v0, p);
    assert_int_equal(s.state, HV_EVTCHN_STATE_closed);
    assert_int_equal(s.remote_dom, 1);
    assert_true(pending(d0, p));
    assert_int_equal(send(v0, p), -HV_ENOENT);
    /* d1's 600 ports offered to d0: d0 cannot bind what is gone. */
    assert_int_equal(bind_interdomain(v0, 1, 5, NULL), -HV_ESRCH);

    domain_destroy(d2);
    assert_int_equal(status(v0, for_d2).state, HV_EVTCHN_STATE_closed);
    assert_int_equal(status(v0, for_d2).remote_dom, 2);
    /* A new domain with a dead one's id gets none of its channels. */
    d2 = host_domain(2, 4 * MIB, 1);
    assert_int_equal(bind_interdomain(d2->vcpu[0], 0, for_d2, NULL), -HV_EINVAL);
    assert_int_equal(ports_in_use(d0), 2);
    domain_destroy(d2);
    domain_destroy(d0);
    assert_int_equal(domain_count(), 0);
    assert_int_equal(host_free_frames(), before);
    assert_int_equal(page_alloc_audit(), 0);
}

static void test_send_batch(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0];
    uint32_t p[3], q[3], unbound, ports[HV_EVTCHN_BATCH_MAX + 1];
    struct event_stats st;

    for (int i = 0; i < 3; i++)
        connect(v0, v1, &p[i], &q[i]);
    assert_int_equal(alloc_unbound(v0, 1, &unbound), 0);

    assert_int_equal(send_batch(v0, p, 0), 0);
    /* One bad entry and nothing is sent. */
    ports[0] = p[0];
    ports[1] = p[1];
    ports[2] = 0;
    assert_int_equal(send_batch(v0, ports, 3), -HV_EINVAL);
    ports[2] = HV_EVTCHN_PORTS;
    assert_int_equal(send_batch(v0, ports, 3), -HV_EINVAL);
    ports[2] = q[2] + 100; /* not allocated */
    assert_int_equal(send_batch(v0, ports, 3), -HV_EINVAL);
    ports[2] = unbound;
    assert_int_equal(send_batch(v0, ports, 3), -HV_ENOENT);
    assert_false(pending(d1, q[0]) || pending(d1, q[1]) || pending(d1, q[2]));
    assert_int_equal(vinfo(v1)->upcall_pending, 0);
    /* Too many, and bad memory. */
    for (unsigned int i = 0; i < ARRAY_SIZE(ports); i++)
        ports[i] = p[i % 3];
    assert_int_equal(send_batch(v0, ports, HV_EVTCHN_BATCH_MAX + 1), -HV_E2BIG);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_send_batch, UINT64_MAX, 0), 0);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_send_batch, 4 * MIB - 4, 2), -HV_EFAULT);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_send_batch, UINT64_MAX - 3, 2), -HV_EFAULT);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_send_batch, SCRATCH, UINT64_MAX), -HV_E2BIG);
    event_domain_stats(d0, &st);
    assert_int_equal(st.sent, 0);
    /* The most a batch takes, repeats allowed. */
    assert_int_equal(send_batch(v0, ports, HV_EVTCHN_BATCH_MAX), 0);
    for (int i = 0; i < 3; i++)
        assert_true(pending(d1, q[i]));
    event_domain_stats(d0, &st);
    assert_int_equal(st.sent, HV_EVTCHN_BATCH_MAX);
    event_domain_stats(d1, &st);
    assert_int_equal(st.received, HV_EVTCHN_BATCH_MAX);
}

static void test_enospc(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0];
    uint32_t p, last = 0;

    assert_int_equal(alloc_unbound(v1, 0, &p), 0);
    for (unsigned int i = 1; i < HV_EVTCHN_PORTS; i++)
        assert_int_equal(alloc_unbound(v0, 0, &last), 0);
    assert_int_equal(last, HV_EVTCHN_PORTS - 1);
    assert_int_equal(alloc_unbound(v0, 0, NULL), -HV_ENOSPC);
    assert_int_equal(bind_interdomain(v0, 1, p, NULL), -HV_ENOSPC);
    assert_int_equal(bind_virq(v0, HV_VIRQ_TIMER, 0, NULL), -HV_ENOSPC);
    assert_int_equal(status(v1, p).state, HV_EVTCHN_STATE_unbound);
    assert_int_equal(close_port(v0, 517), 0);
    assert_int_equal(bind_interdomain(v0, 1, p, &last), 0);
    assert_int_equal(last, 517);
}

/* Blocking: at once with an event pending; otherwise until one arrives. */
static int64_t block(struct vcpu *v)
{
    uint64_t args[6] = {HV_SCHED_block};

    return hypercall_dispatch(v, HV_HC_sched_op, args);
}

static void test_block_and_wake(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 2);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0];
    struct vcpu_exit halt = {.reason = EXIT_HALT};
    uint32_t p, q;

    connect(v0, v1, &p, &q);
    /* Pending (upcalls masked or not): block and HLT return at once. */
    assert_int_equal(send(v0, p), 0);
    assert_int_equal(block(v1), 0);
    assert_int_equal(v1->state, VCPU_RUNNABLE);
    vcpu_handle_exit(v1, &halt);
    assert_int_equal(v1->state, VCPU_RUNNABLE);
    /* Nothing pending: it sleeps, and a send wakes it. */
    guest_clear(v1);
    assert_int_equal(block(v1), 0);
    assert_int_equal(v1->state, VCPU_BLOCKED);
    assert_int_equal(send(v0, p), 0);
    assert_int_equal(v1->state, VCPU_RUNNABLE);
    /* A masked port does not wake it; unmasking it (here from the
     * domain's other vCPU) does. */
    guest_clear(v1);
    d1->shared_info->evtchn_mask[q / 64] |= 1ull << (q % 64);
    vcpu_handle_exit(v1, &halt);
    assert_int_equal(v1->state, VCPU_BLOCKED);
    assert_int_equal(send(v0, p), 0);
    assert_int_equal(v1->state, VCPU_BLOCKED);
    assert_int_equal(evtchn_op(v0, HV_EVTCHN_unmask, p, 0), 0); /* d0's own port */
    assert_int_equal(v1->state, VCPU_BLOCKED);
    assert_int_equal(evtchn_op(d1->vcpu[1], HV_EVTCHN_unmask, q, 0), 0);
    assert_int_equal(v1->state, VCPU_RUNNABLE);
    assert_true(event_vcpu_pending(v1));
    /* When the peer closes, a sleeping vCPU wakes to see it. */
    guest_clear(v1);
    assert_int_equal(block(v1), 0);
    assert_int_equal(v1->state, VCPU_BLOCKED);
    assert_int_equal(close_port(v0, p), 0);
    assert_int_equal(v1->state, VCPU_RUNNABLE);
    /* Now only a closed port is left: blocking with nothing to wake it
     * stops the domain, and only it. */
    guest_clear(v1);
    assert_int_equal(block(v1), 0);
    assert_int_equal(d1->state, DOMAIN_SHUTDOWN);
    assert_int_equal(d1->shutdown_reason, HV_SHUTDOWN_crash);
    assert_int_equal(d0->state, DOMAIN_RUNNING);
}

/* A vCPU in guest mode (busy) on another CPU takes an upcall only when it
 * enters again: it is kicked out, but only if it has upcalls unmasked. */
static void test_upcall_kicks_a_running_vcpu(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    struct vcpu *v0 = d0->vcpu[0], *v1 = d1->vcpu[0];
    unsigned int kicks;
    uint32_t p, q;

    connect(v0, v1, &p, &q);
    v1->busy = true;
    kicks = host_cpu_kicks;
    assert_int_equal(send(v0, p), 0); /* upcalls masked: it polls */
    assert_int_equal(host_cpu_kicks, kicks);
    guest_clear(v1);
    vinfo(v1)->upcall_mask = 0;
    assert_int_equal(send(v0, p), 0);
    assert_int_equal(host_cpu_kicks, kicks + 1);
    assert_true(event_upcall_deliverable(v1));
    v1->busy = false;
}

/* Two scripted guests bounce an event ROUNDS times under the scheduler,
 * each blocking until the other's event arrives. */
#define ROUNDS 100
static uint32_t pp_port[2];
static unsigned int pp_got[2], pp_step[2];

static void set_call(struct vcpu_exit *exit, uint64_t nr, uint64_t a0, uint64_t a1)
{
    exit->reason = EXIT_HYPERCALL;
    exit->hypercall.nr = nr;
    exit->hypercall.args[0] = a0;
    exit->hypercall.args[1] = a1;
}

static void ping_pong(struct vcpu *v, struct vcpu_exit *exit)
{
    unsigned int me = v->domain->id, port = pp_port[me];

    /* Each turn: count an arrival, send back, block. Domain 1 starts. */
    if (pending(v->domain, port)) {
        v->domain->shared_info->evtchn_pending[port / 64] &= ~(1ull << (port % 64));
        vinfo(v)->upcall_pending = 0;
        pp_got[me]++;
        pp_step[me] = 0;
    }
    /* Domain 0 answers the last event too, then both stop. */
    if (pp_got[me] == ROUNDS && (me == 1 || pp_step[me] == 1)) {
        set_call(exit, HV_HC_sched_op, HV_SCHED_shutdown, HV_SHUTDOWN_poweroff);
        return;
    }
    if (pp_step[me] == 0 && (me == 1 || pp_got[me] > 0)) {
        set_call(exit, HV_HC_evtchn_op, HV_EVTCHN_send, port);
        pp_step[me] = 1;
        return;
    }
    set_call(exit, HV_HC_sched_op, HV_SCHED_block, 0);
}

static void test_ping_pong_under_the_scheduler(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);

    connect(d0->vcpu[0], d1->vcpu[0], &pp_port[0], &pp_port[1]);
    memset(pp_got, 0, sizeof(pp_got));
    memset(pp_step, 0, sizeof(pp_step));
    host_vcpu_script = ping_pong;
    sched_run();
    assert_int_equal(pp_got[0], ROUNDS);
    assert_int_equal(pp_got[1], ROUNDS);
    assert_true(host_stopped[0].stopped && host_stopped[1].stopped);
    assert_int_equal(host_stopped[0].reason, HV_SHUTDOWN_poweroff);
    assert_int_equal(host_stopped[1].reason, HV_SHUTDOWN_poweroff);
}

/* The receiver of an event, blocked waiting for it, runs as soon as the
 * event is sent, before the sender's next exit; the sender goes on after.
 * Exits are logged as domain * 10 + step. */
static unsigned int wake_log[8], wake_logged, wake_step[2];
static bool woke_with_event;

static void sender_and_sleeper(struct vcpu *v, struct vcpu_exit *exit)
{
    unsigned int me = v->domain->id, step = wake_step[me]++;

    if (wake_logged < ARRAY_SIZE(wake_log))
        wake_log[wake_logged++] = me * 10 + step;
    if (me == 1 && step == 1)
        woke_with_event = pending(v->domain, pp_port[1]);
    if (me == 0 && step == 0)
        set_call(exit, HV_HC_sched_op, HV_SCHED_yield, 0); /* d1 gets to block */
    else if (me == 0 && step == 1)
        set_call(exit, HV_HC_evtchn_op, HV_EVTCHN_send, pp_port[0]);
    else if (me == 1 && step == 0)
        set_call(exit, HV_HC_sched_op, HV_SCHED_block, 0);
    else
        set_call(exit, HV_HC_sched_op, HV_SCHED_shutdown, HV_SHUTDOWN_poweroff);
}

static void test_woken_receiver_runs_next(void **state)
{
    struct domain *d0 = host_domain(0, 4 * MIB, 1), *d1 = host_domain(1, 4 * MIB, 1);
    static const unsigned int want[] = {0, 10, 1, 11, 2};

    connect(d0->vcpu[0], d1->vcpu[0], &pp_port[0], &pp_port[1]);
    wake_logged = 0;
    woke_with_event = false;
    memset(wake_step, 0, sizeof(wake_step));
    host_vcpu_script = sender_and_sleeper;
    sched_run();
    assert_int_equal(wake_logged, ARRAY_SIZE(want));
    for (unsigned int i = 0; i < ARRAY_SIZE(want); i++)
        assert_int_equal(wake_log[i], want[i]);
    assert_true(woke_with_event);
}

/* A vCPU with only a bound timer VIRQ sleeps on its timer and finds the
 * VIRQ pending when it wakes. */
static uint32_t timer_port;
static uint64_t timer_woke;

static void timer_sleeper(struct vcpu *v, struct vcpu_exit *exit)
{
    if (v->timer_deadline == NO_TIMER && !timer_woke && !pending(v->domain, timer_port)) {
        set_call(exit, HV_HC_sched_op, HV_SCHED_set_timer, host_time_ns + 10 * MS);
        timer_woke = 1; /* armed */
        return;
    }
    if (!pending(v->domain, timer_port)) {
        set_call(exit, HV_HC_sched_op, HV_SCHED_block, 0);
        return;
    }
    timer_woke = host_time_ns;
    set_call(exit, HV_HC_sched_op, HV_SCHED_shutdown, HV_SHUTDOWN_poweroff);
}

static void test_timer_virq(void **state)
{
    struct domain *d = host_domain(1, 4 * MIB, 1);

    assert_int_equal(bind_virq(d->vcpu[0], HV_VIRQ_TIMER, 0, &timer_port), 0);
    timer_woke = 0;
    host_vcpu_script = timer_sleeper;
    sched_run();
    assert_int_equal(timer_woke, 10 * MS);
    assert_int_equal(host_stopped[1].reason, HV_SHUTDOWN_poweroff);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alloc_unbound_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upcalls_start_masked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_interdomain_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_sets_the_shared_info_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_ports_get_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mask_and_unmask_redelivers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virqs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_vcpu_moves_notification, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_one_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_with_bound_channels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enospc, setup, teardown),
        cmocka_unit_test_setup_teardown(test_block_and_wake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upcall_kicks_a_running_vcpu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_pong_under_the_scheduler, setup, teardown),
        cmocka_unit_test_setup_teardown(test_woken_receiver_runs_next, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timer_virq, setup, teardown),
    };

    return RUN_TESTS(tests);
}
