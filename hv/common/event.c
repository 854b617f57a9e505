/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels (hv/event.h for the model, public/event.h for the guest's
 * commands): the per-domain port tables, the evtchn_op hypercall, delivery
 * into the shared-info page, VIRQs, and the teardown of a dying domain's
 * channels. Sending looks up one port entry, one domain by id and sets a
 * few bits: the same cost whatever the number of ports.
 *
 * A port table is one page of bookkeeping (struct evtchn_domain) and up to
 * PORT_PAGES pages of 8-byte entries, the second allocated only when a
 * domain uses a port past the first page. Every change of a port's state
 * goes through port_set(), which keeps the in-use bitmap and the per-vCPU
 * wake counts in step with the entries.
 *
 * Locking: everything here runs under the hypervisor lock (hv_lock(), see
 * sched.c), which every CPU holds while it runs common code, so a
 * hypercall's check and act steps cannot interleave with anything. The
 * one exception is event_upcall_deliverable(), which a vCPU back end calls
 * without the lock on its way into the guest: it only reads guest flags.
 */
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/physdev.h>
#include <hv/sched.h>
#include <public/hv.h>
#include <string.h>

/* One port. The peer is named by id and port number, never by pointer. */
struct evtchn {
    uint8_t state;        /* HV_EVTCHN_STATE_* */
    uint8_t vcpu;         /* the vCPU notified */
    uint16_t remote_dom;  /* unbound: who may bind; interdomain, closed: the peer */
    uint16_t remote_port; /* interdomain: the peer's port; virq: the VIRQ; pirq: the pirq */
    uint16_t reserved;
};

#define PORTS_PER_PAGE ((unsigned int)(PAGE_SIZE / sizeof(struct evtchn)))
#define PORT_PAGES (HV_EVTCHN_PORTS / PORTS_PER_PAGE)

struct evtchn_domain {
    struct evtchn *pages[PORT_PAGES];
    uint64_t in_use[HV_EVTCHN_WORDS];                /* bit 0 (port 0) always set */
    uint16_t virq_port[HV_MAX_VCPUS][HV_VIRQ_COUNT]; /* per-domain VIRQs in row 0 */
    uint16_t wakers[HV_MAX_VCPUS]; /* ports that could wake each vCPU */
    unsigned int ports_in_use;
    uint64_t sent, received;
};

BUILD_BUG_ON(sizeof(struct evtchn) != 8);
BUILD_BUG_ON(HV_EVTCHN_PORTS % PORTS_PER_PAGE != 0);
BUILD_BUG_ON(sizeof(struct evtchn_domain) > PAGE_SIZE);
BUILD_BUG_ON(HV_EVTCHN_PORTS > UINT16_MAX || DOMAIN_MAX > UINT16_MAX);
BUILD_BUG_ON(HV_MAX_VCPUS > UINT8_MAX);

static struct evtchn *entry(const struct evtchn_domain *ed, unsigned int port)
{
    return &ed->pages[port / PORTS_PER_PAGE][port % PORTS_PER_PAGE];
}

static bool port_in_use(const struct evtchn_domain *ed, unsigned int port)
{
    return ed->in_use[port / 64] & (1ull << (port % 64));
}

/* The entry of a port the guest named, or NULL: out of range, port 0, or
 * not allocated. */
static struct evtchn *lookup(const struct evtchn_domain *ed, uint64_t port)
{
    if (port == 0 || port >= HV_EVTCHN_PORTS || !port_in_use(ed, (unsigned int)port))
        return NULL;
    return entry(ed, (unsigned int)port);
}

/* Could an event on this port ever reach its vCPU? */
static bool can_wake(const struct evtchn *chn)
{
    return chn->state == HV_EVTCHN_STATE_unbound || chn->state == HV_EVTCHN_STATE_interdomain ||
           chn->state == HV_EVTCHN_STATE_virq || chn->state == HV_EVTCHN_STATE_pirq;
}

/* Ports bound to each VIRQ, over all domains: whether anyone listens is
 * asked on every scheduling pass (console input), so it is counted. */
unsigned int virq_bound_ports[HV_VIRQ_COUNT];

static bool virq_per_vcpu(unsigned int virq)
{
    return virq == HV_VIRQ_TIMER;
}

/* The only place a port changes state. A port that becomes free or is
 * handed out again loses any stale pending bit, so a new owner of the
 * number does not see an old event. */
static void port_set(struct domain *d, unsigned int port, struct evtchn to)
{
    struct evtchn_domain *ed = d->evtchn;
    struct evtchn *chn = entry(ed, port);
    uint64_t bit = 1ull << (port % 64);
    bool was_free = chn->state == HV_EVTCHN_STATE_free;
    bool now_free = to.state == HV_EVTCHN_STATE_free;

    if (can_wake(chn))
        ed->wakers[chn->vcpu]--;
    if (was_free != now_free) {
        ed->in_use[port / 64] ^= bit;
        if (now_free)
            ed->ports_in_use--;
        else
            ed->ports_in_use++;
        __atomic_fetch_and(&d->shared_info->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST);
    }
    *chn = to;
    if (can_wake(chn))
        ed->wakers[chn->vcpu]++;
}

/* Tell v that word of its domain's pending bitmap has news. */
static void notify_vcpu(struct vcpu *v, unsigned int word)
{
    struct hv_vcpu_info *vi = &v->domain->shared_info->vcpu[v->id];

    __atomic_fetch_or(&vi->pending_sel, 1ull << word, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->upcall_pending, 1, __ATOMIC_SEQ_CST);
    /* Woken whether or not upcalls are masked: a guest may poll. Only a
     * blocked vCPU: one that is offline has not been started or is
     * paused, and is not ours to start. One in guest mode on another CPU
     * takes an upcall only when it enters again: make it leave now. */
    if (v->state == VCPU_BLOCKED)
        vcpu_wake(v);
    else if (!__atomic_load_n(&vi->upcall_mask, __ATOMIC_SEQ_CST))
        vcpu_kick(v);
}

/*
 * Mark port pending in d. What the guest wrote into its bitmaps only
 * decides whether it is notified (a guest that scribbles on them loses
 * its own events, nothing else).
 */
static void deliver(struct domain *d, unsigned int port)
{
    struct hv_shared_info *si = d->shared_info;
    unsigned int word = port / 64;
    uint64_t bit = 1ull << (port % 64);

    d->evtchn->received++;
    if (__atomic_fetch_or(&si->evtchn_pending[word], bit, __ATOMIC_SEQ_CST) & bit)
        return; /* already pending: the guest has not seen the last one yet */
    if (__atomic_load_n(&si->evtchn_mask[word], __ATOMIC_SEQ_CST) & bit)
        return;
    notify_vcpu(d->vcpu[entry(d->evtchn, port)->vcpu], word);
}

/* The other end of d's port went away: the port is closed, and pending so
 * that a vCPU waiting on it wakes up and can find out with status. */
static void peer_gone(struct domain *d, unsigned int port)
{
    struct evtchn *chn = entry(d->evtchn, port);

    port_set(d, port,
             (struct evtchn){.state = HV_EVTCHN_STATE_closed, .vcpu = chn->vcpu,
                             .remote_dom = chn->remote_dom});
    deliver(d, port);
}

static void port_close(struct domain *d, unsigned int port)
{
    struct evtchn_domain *ed = d->evtchn;
    struct evtchn *chn = entry(ed, port);

    switch (chn->state) {
    case HV_EVTCHN_STATE_interdomain: {
        struct domain *rd = domain_lookup(chn->remote_dom);

        /* A dying domain closes its channels, so the peer exists. */
        BUG_ON(!rd || !rd->evtchn);
        peer_gone(rd, chn->remote_port);
        break;
    }
    case HV_EVTCHN_STATE_virq:
        ed->virq_port[virq_per_vcpu(chn->remote_port) ? chn->vcpu : 0][chn->remote_port] = 0;
        virq_bound_ports[chn->remote_port]--;
        break;
    case HV_EVTCHN_STATE_pirq:
        physdev_pirq_closed(d, chn->remote_port); /* the device goes quiet */
        break;
    default:
        break;
    }
    port_set(d, port, (struct evtchn){.state = HV_EVTCHN_STATE_free});
}

/* Find the lowest free port and make sure its page exists, changing nothing
 * the guest can see. Returns 0, -HV_ENOSPC or -HV_ENOMEM. */
static int port_reserve(struct evtchn_domain *ed, unsigned int *port)
{
    for (unsigned int w = 0; w < HV_EVTCHN_WORDS; w++) {
        unsigned int p;

        if (!~ed->in_use[w])
            continue;
        p = w * 64 + (unsigned int)__builtin_ctzll(~ed->in_use[w]);
        if (!ed->pages[p / PORTS_PER_PAGE] &&
            !(ed->pages[p / PORTS_PER_PAGE] = heap_alloc_page()))
            return -HV_ENOMEM;
        *port = p;
        return 0;
    }
    return -HV_ENOSPC;
}

/* A domain ports may name: it exists, has a port table and is not dying. */
static struct domain *live_domain(uint64_t id)
{
    struct domain *d = id <= UINT32_MAX ? domain_lookup((uint32_t)id) : NULL;

    if (!d || !d->evtchn || d->state == DOMAIN_DYING || d->state == DOMAIN_DEAD)
        return NULL;
    return d;
}

static bool vcpu_valid(const struct domain *d, uint64_t vcpu)
{
    return vcpu < d->max_vcpus && d->vcpu[vcpu];
}

/*
 * Structure arguments with OUT fields: read once, then written back
 * unchanged, which proves the range writable before anything is done (one
 * CPU: nothing can change the bytes in between). Afterwards the result can
 * always be written, so no command fails half-way.
 */
static int copy_in(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
    if (copy_from_guest(d, dst, gpa, len) || copy_to_guest(d, gpa, dst, len))
        return -HV_EFAULT;
    return 0;
}

static int copy_out(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    /* copy_in() checked the range, and nothing ran in between. */
    if (copy_to_guest(d, gpa, src, len)) {
        ASSERT_UNREACHABLE();
        return -HV_EFAULT;
    }
    return 0;
}

static int op_alloc_unbound(struct domain *d, uint64_t gpa)
{
    struct hv_evtchn_alloc_unbound a;
    unsigned int port;
    int err;

    if ((err = copy_in(d, &a, gpa, sizeof(a))))
        return err;
    if (!live_domain(a.remote_dom))
        return -HV_ESRCH;
    if ((err = port_reserve(d->evtchn, &port)))
        return err;
    port_set(d, port,
             (struct evtchn){.state = HV_EVTCHN_STATE_unbound,
                             .remote_dom = (uint16_t)a.remote_dom});
    a.port = port;
    return copy_out(d, gpa, &a, sizeof(a));
}

static int op_bind_interdomain(struct domain *d, uint64_t gpa)
{
    struct hv_evtchn_bind_interdomain b;
    struct domain *rd;
    struct evtchn *rchn;
    unsigned int port;
    int err;

    if ((err = copy_in(d, &b, gpa, sizeof(b))))
        return err;
    if (b.pad)
        return -HV_EINVAL;
    if (!(rd = live_domain(b.remote_dom)))
        return -HV_ESRCH;
    rchn = lookup(rd->evtchn, b.remote_port);
    if (!rchn || rchn->state != HV_EVTCHN_STATE_unbound)
        return -HV_EINVAL;
    /* Only the domain the port was offered to may take it. */
    if (rchn->remote_dom != d->id)
        return -HV_EPERM;
    if ((err = port_reserve(d->evtchn, &port)))
        return err;
    port_set(d, port,
             (struct evtchn){.state = HV_EVTCHN_STATE_interdomain,
                             .remote_dom = (uint16_t)rd->id,
                             .remote_port = (uint16_t)b.remote_port});
    port_set(rd, b.remote_port,
             (struct evtchn){.state = HV_EVTCHN_STATE_interdomain, .vcpu = rchn->vcpu,
                             .remote_dom = (uint16_t)d->id, .remote_port = (uint16_t)port});
    b.local_port = port;
    return copy_out(d, gpa, &b, sizeof(b));
}

static int op_bind_virq(struct domain *d, uint64_t gpa)
{
    struct evtchn_domain *ed = d->evtchn;
    struct hv_evtchn_bind_virq b;
    unsigned int port, row;
    int err;

    if ((err = copy_in(d, &b, gpa, sizeof(b))))
        return err;
    if (b.pad || b.virq >= HV_VIRQ_COUNT || !vcpu_valid(d, b.vcpu))
        return -HV_EINVAL;
    if (!virq_per_vcpu(b.virq) && b.vcpu != 0)
        return -HV_EINVAL;
    row = virq_per_vcpu(b.virq) ? b.vcpu : 0;
    if (ed->virq_port[row][b.virq])
        return -HV_EBUSY;
    if ((err = port_reserve(ed, &port)))
        return err;
    port_set(d, port,
             (struct evtchn){.state = HV_EVTCHN_STATE_virq, .vcpu = (uint8_t)b.vcpu,
                             .remote_port = (uint16_t)b.virq});
    ed->virq_port[row][b.virq] = (uint16_t)port;
    virq_bound_ports[b.virq]++;
    b.port = port;
    return copy_out(d, gpa, &b, sizeof(b));
}

/* Can d send on port? On success *rd and *rport are the receiving end. */
static inline int send_check(struct domain *d, uint64_t port, struct domain **rd, unsigned int *rport)
{
    const struct evtchn *chn;

    /* lookup(), without testing its entry's address for NULL. */
    if (port == 0 || port >= HV_EVTCHN_PORTS || !port_in_use(d->evtchn, (unsigned int)port))
        return -HV_EINVAL;
    chn = entry(d->evtchn, (unsigned int)port);
    switch (chn->state) {
    case HV_EVTCHN_STATE_interdomain:
        *rd = domain_lookup(chn->remote_dom);
        BUG_ON(!*rd || !(*rd)->evtchn);
        *rport = chn->remote_port;
        return 0;
    case HV_EVTCHN_STATE_unbound:
    case HV_EVTCHN_STATE_closed:
        return -HV_ENOENT; /* nobody at the other end (yet, or any more) */
    default:
        return -HV_EINVAL; /* VIRQs come from the hypervisor */
    }
}

/* O(1): one entry, one domain by id, a few bits. */
static int op_send(struct domain *d, uint64_t port)
{
    struct domain *rd;
    unsigned int rport;
    int err = send_check(d, port, &rd, &rport);

    if (err)
        return err;
    d->evtchn->sent++;
    deliver(rd, rport);
    return 0;
}

/* All or nothing: every port is checked before any is sent to. */
static int op_send_batch(struct domain *d, uint64_t gpa, uint64_t count)
{
    uint32_t ports[HV_EVTCHN_BATCH_MAX];
    struct domain *rd[HV_EVTCHN_BATCH_MAX];
    unsigned int rport[HV_EVTCHN_BATCH_MAX];
    int err;

    if (count > HV_EVTCHN_BATCH_MAX)
        return -HV_E2BIG;
    if (count == 0)
        return 0;
    if (copy_from_guest(d, ports, gpa, count * sizeof(ports[0])))
        return -HV_EFAULT;
    for (unsigned int i = 0; i < count; i++)
        if ((err = send_check(d, ports[i], &rd[i], &rport[i])))
            return err;
    for (unsigned int i = 0; i < count; i++)
        deliver(rd[i], rport[i]);
    d->evtchn->sent += count;
    return 0;
}

static int op_close(struct domain *d, uint64_t port)
{
    if (!lookup(d->evtchn, port))
        return -HV_EINVAL;
    port_close(d, (unsigned int)port);
    return 0;
}

static int op_status(struct domain *d, uint64_t gpa)
{
    struct hv_evtchn_status s;
    const struct evtchn *chn;

    if (copy_from_guest(d, &s, gpa, sizeof(s)))
        return -HV_EFAULT;
    if (s.port == 0 || s.port >= HV_EVTCHN_PORTS)
        return -HV_EINVAL;
    chn = lookup(d->evtchn, s.port);
    s = (struct hv_evtchn_status){.port = s.port, .state = HV_EVTCHN_STATE_free};
    if (chn) {
        s.state = chn->state;
        s.vcpu = chn->vcpu;
        if (chn->state == HV_EVTCHN_STATE_virq)
            s.virq = chn->remote_port;
        else
            s.remote_dom = chn->remote_dom;
        if (chn->state == HV_EVTCHN_STATE_interdomain)
            s.remote_port = chn->remote_port;
    }
    /* Nothing changed, so a bad range for the result is just an error. */
    return copy_to_guest(d, gpa, &s, sizeof(s)) ? -HV_EFAULT : 0;
}

/* Clear the port's mask bit; if it is pending, notify its vCPU now, as a
 * send would have done had the port not been masked. */
static int op_unmask(struct domain *d, uint64_t port)
{
    struct hv_shared_info *si = d->shared_info;
    const struct evtchn *chn = lookup(d->evtchn, port);
    uint64_t bit = 1ull << (port % 64);

    if (!chn)
        return -HV_EINVAL;
    __atomic_fetch_and(&si->evtchn_mask[port / 64], ~bit, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&si->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) & bit)
        notify_vcpu(d->vcpu[chn->vcpu], (unsigned int)(port / 64));
    return 0;
}

static int op_bind_vcpu(struct domain *d, uint64_t gpa)
{
    struct hv_evtchn_bind_vcpu b;
    struct evtchn *chn;
    struct evtchn to;

    if (copy_from_guest(d, &b, gpa, sizeof(b)))
        return -HV_EFAULT;
    chn = lookup(d->evtchn, b.port);
    if (!chn || !vcpu_valid(d, b.vcpu))
        return -HV_EINVAL;
    /* A per-vCPU VIRQ belongs to its vCPU. */
    if (chn->state == HV_EVTCHN_STATE_virq && virq_per_vcpu(chn->remote_port))
        return -HV_EINVAL;
    to = *chn;
    to.vcpu = (uint8_t)b.vcpu;
    port_set(d, b.port, to);
    return 0;
}

/* The commands other than send, out of send's way: their frames (arrays,
 * a stack canary) are not set up on every send. */
static __attribute__((noinline)) int64_t evtchn_op_other(struct domain *d, const uint64_t args[6])
{
    uint64_t arg = args[1];

    switch (args[0]) {
    case HV_EVTCHN_alloc_unbound:
        return op_alloc_unbound(d, arg);
    case HV_EVTCHN_bind_interdomain:
        return op_bind_interdomain(d, arg);
    case HV_EVTCHN_bind_virq:
        return op_bind_virq(d, arg);
    case HV_EVTCHN_send_batch:
        return op_send_batch(d, arg, args[2]);
    case HV_EVTCHN_close:
        return op_close(d, arg);
    case HV_EVTCHN_status:
        return op_status(d, arg);
    case HV_EVTCHN_unmask:
        return op_unmask(d, arg);
    case HV_EVTCHN_bind_vcpu:
        return op_bind_vcpu(d, arg);
    default:
        return -HV_ENOSYS;
    }
}

/* evtchn_op(cmd, arg, count) */
int64_t do_evtchn_op(struct vcpu *v, const uint64_t args[6])
{
    struct domain *d = v->domain;

    ASSERT(d->evtchn);
    if (likely(args[0] == HV_EVTCHN_send))
        return op_send(d, args[1]);
    return evtchn_op_other(d, args);
}

void event_send_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    unsigned int port;

    if (!d->evtchn || virq >= HV_VIRQ_COUNT)
        return;
    port = d->evtchn->virq_port[virq_per_vcpu(virq) ? v->id : 0][virq];
    if (port)
        deliver(d, port);
}

/* Device interrupts (physdev_msi.c): a port in the pirq state. */
int event_bind_pirq(struct domain *d, unsigned int vcpu, unsigned int pirq, unsigned int *port)
{
    int err;

    if (!vcpu_valid(d, vcpu) || pirq > UINT16_MAX)
        return -HV_EINVAL;
    if ((err = port_reserve(d->evtchn, port)))
        return err;
    port_set(d, *port,
             (struct evtchn){.state = HV_EVTCHN_STATE_pirq, .vcpu = (uint8_t)vcpu,
                             .remote_port = (uint16_t)pirq});
    return 0;
}

void event_send_pirq(struct domain *d, unsigned int port, unsigned int pirq)
{
    const struct evtchn *chn = lookup(d->evtchn, port);

    if (chn && chn->state == HV_EVTCHN_STATE_pirq && chn->remote_port == pirq)
        deliver(d, port);
}

int event_close_pirq(struct domain *d, uint64_t port)
{
    const struct evtchn *chn = lookup(d->evtchn, port);

    if (!chn || chn->state != HV_EVTCHN_STATE_pirq)
        return -HV_EINVAL;
    port_close(d, (unsigned int)port);
    return 0;
}

bool event_virq_bound(const struct domain *d, unsigned int virq)
{
    if (!d->evtchn || virq >= HV_VIRQ_COUNT)
        return false;
    for (unsigned int i = 0; i < (virq_per_vcpu(virq) ? d->max_vcpus : 1); i++)
        if (d->evtchn->virq_port[i][virq])
            return true;
    return false;
}

bool event_vcpu_can_wake(const struct vcpu *v)
{
    return v->domain->evtchn && v->domain->evtchn->wakers[v->id];
}

void event_domain_stats(const struct domain *d, struct event_stats *out)
{
    const struct evtchn_domain *ed = d->evtchn;

    *out = (struct event_stats){0};
    if (!ed)
        return;
    out->sent = ed->sent;
    out->received = ed->received;
    out->ports_in_use = ed->ports_in_use;
}

int event_domain_init(struct domain *d)
{
    struct evtchn_domain *ed = heap_alloc_page();

    if (!ed)
        return -HV_ENOMEM;
    ed->pages[0] = heap_alloc_page();
    if (!ed->pages[0]) {
        heap_free_page(ed);
        return -HV_ENOMEM;
    }
    ed->in_use[0] = 1; /* port 0 is never handed out */
    d->evtchn = ed;
    /* Upcalls start masked: the guest unmasks once it can take them. */
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        d->shared_info->vcpu[i].upcall_mask = 1;
    return 0;
}

void event_domain_destroy(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;

    if (!ed)
        return;
    /* Its own ports: each peer sees its end closed. */
    for (unsigned int port = 1; port < HV_EVTCHN_PORTS; port++)
        if (port_in_use(ed, port))
            port_close(d, port);
    /* Ports other domains offered to d can never be bound now. */
    for (uint32_t id = 0; id < DOMAIN_MAX; id++) {
        struct domain *o = domain_lookup(id);

        if (!o || o == d || !o->evtchn)
            continue;
        for (unsigned int port = 1; port < HV_EVTCHN_PORTS; port++)
            if (port_in_use(o->evtchn, port) &&
                entry(o->evtchn, port)->state == HV_EVTCHN_STATE_unbound &&
                entry(o->evtchn, port)->remote_dom == d->id)
                peer_gone(o, port);
    }
    BUG_ON(ed->ports_in_use != 0);
    for (unsigned int i = 0; i < PORT_PAGES; i++)
        heap_free_page(ed->pages[i]);
    heap_free_page(ed);
    d->evtchn = NULL;
}
