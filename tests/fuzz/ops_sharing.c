/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ops of the hypercall fuzzer for what domains share: grant tables (every
 * command of grant_table_op, batched, and the granter writing its own
 * table as a guest does) and event channels (every command of evtchn_op).
 * Grant references, handles and ports come from pools that include what
 * earlier steps got back, so that maps, unmaps, binds and sends meet.
 */
#include "harness.h"

#include <hv/domain.h>
#include <public/hv.h>
#include <string.h>

bool op_grant_setup(struct step *s, struct vcpu_exit *exit)
{
    uint64_t gfn = take_gfn(s), frames = take_frames(s);

    hypercall(s, exit, FUZZ_OP_GNT_SETUP, HV_HC_grant_table_op,
              (uint64_t[6]){HV_GNTOP_setup_table, gfn, frames});
    return true;
}

/* One element of each batched grant command, from the input. */
static void fill_map(struct step *s, void *element)
{
    struct hv_grant_map *m = element;

    m->gpa = take_map_gpa(s);
    m->ref = (uint32_t)take_ref(s);
    m->domid = (uint16_t)take_domid(s);
    m->flags = (uint16_t)take_map_flags(s);
    m->status = (int32_t)take_small(s); /* OUT fields: garbage the call must overwrite */
    m->handle = (uint32_t)take_small(s);
}

static void fill_unmap(struct step *s, void *element)
{
    struct hv_grant_unmap *u = element;

    u->handle = (uint32_t)take_handle(s);
    u->status = 0x7eadbeef;
}

static void fill_copy_ptr(struct step *s, struct hv_grant_copy_ptr *p, bool gref)
{
    p->frame = gref ? take_ref(s) : take_gfn(s);
    p->domid = (uint16_t)take_domid(s);
    p->offset = (uint16_t)take_offset(s);
    p->pad = (uint32_t)take_small(s);
}

static void fill_copy(struct step *s, void *element)
{
    struct hv_grant_copy *c = element;

    c->flags = (uint16_t)take_copy_flags(s);
    fill_copy_ptr(s, &c->source, c->flags & HV_GNTCOPY_source_gref);
    fill_copy_ptr(s, &c->dest, c->flags & HV_GNTCOPY_dest_gref);
    c->length = (uint16_t)take_len(s);
    c->status = 0x7eadbeef;
}

static void fill_end_access(struct step *s, void *element)
{
    struct hv_grant_end_access *e = element;

    e->ref = (uint32_t)take_ref(s);
    e->status = 0x7eadbeef;
}

static void fill_query(struct step *s, void *element)
{
    struct hv_grant_query *q = element;

    q->ref = (uint32_t)take_ref(s);
    q->status = 0x7eadbeef;
    q->maps = UINT32_MAX;
}

bool op_grant_map(struct step *s, struct vcpu_exit *exit)
{
    batch_call(s, exit, FUZZ_OP_GNT_MAP, HV_HC_grant_table_op, HV_GNTOP_map,
               sizeof(struct hv_grant_map), fill_map);
    return true;
}

bool op_grant_unmap(struct step *s, struct vcpu_exit *exit)
{
    batch_call(s, exit, FUZZ_OP_GNT_UNMAP, HV_HC_grant_table_op, HV_GNTOP_unmap,
               sizeof(struct hv_grant_unmap), fill_unmap);
    return true;
}

bool op_grant_copy(struct step *s, struct vcpu_exit *exit)
{
    batch_call(s, exit, FUZZ_OP_GNT_COPY, HV_HC_grant_table_op, HV_GNTOP_copy,
               sizeof(struct hv_grant_copy), fill_copy);
    return true;
}

bool op_grant_end_access(struct step *s, struct vcpu_exit *exit)
{
    batch_call(s, exit, FUZZ_OP_GNT_END_ACCESS, HV_HC_grant_table_op, HV_GNTOP_end_access,
               sizeof(struct hv_grant_end_access), fill_end_access);
    return true;
}

bool op_grant_query(struct step *s, struct vcpu_exit *exit)
{
    batch_call(s, exit, FUZZ_OP_GNT_QUERY, HV_HC_grant_table_op, HV_GNTOP_query,
               sizeof(struct hv_grant_query), fill_query);
    return true;
}

/* The granter writes an entry of its table, as a guest does: no hypercall. */
bool op_grant_entry(struct step *s, struct vcpu_exit *exit)
{
    uint64_t ref = take_ref(s);
    struct hv_grant_entry e;

    e.domid = (uint16_t)take_domid(s);
    e.gfn = (uint32_t)take_gfn(s);
    e.flags = (uint16_t)take_gtf(s);
    guest_write(s, (fz.table_gfn[s->d->id] << PAGE_SHIFT) + ref * sizeof(e), &e, sizeof(e));
    return false;
}

/* ---- event channels ---------------------------------------------------------- */

bool op_evtchn_alloc_unbound(struct step *s, struct vcpu_exit *exit)
{
    struct hv_evtchn_alloc_unbound a;
    uint64_t gpa = take_gpa(s, sizeof(a));

    a.remote_dom = (uint32_t)take_domid(s);
    a.port = 0x7eadbeef;
    guest_write(s, gpa, &a, sizeof(a));
    hypercall(s, exit, FUZZ_OP_EVTCHN_ALLOC_UNBOUND, HV_HC_evtchn_op,
              (uint64_t[6]){HV_EVTCHN_alloc_unbound, gpa});
    return true;
}

bool op_evtchn_bind_interdomain(struct step *s, struct vcpu_exit *exit)
{
    struct hv_evtchn_bind_interdomain b;
    uint64_t gpa = take_gpa(s, sizeof(b));

    b.remote_dom = (uint32_t)take_domid(s);
    b.remote_port = (uint32_t)take_port(s);
    b.local_port = 0x7eadbeef;
    b.pad = (uint32_t)take_small(s);
    guest_write(s, gpa, &b, sizeof(b));
    hypercall(s, exit, FUZZ_OP_EVTCHN_BIND_INTERDOMAIN, HV_HC_evtchn_op,
              (uint64_t[6]){HV_EVTCHN_bind_interdomain, gpa});
    return true;
}

bool op_evtchn_bind_virq(struct step *s, struct vcpu_exit *exit)
{
    struct hv_evtchn_bind_virq b;
    uint64_t gpa = take_gpa(s, sizeof(b));

    b.virq = (uint32_t)take_virq(s);
    b.vcpu = (uint32_t)take_vcpu(s);
    b.port = 0x7eadbeef;
    b.pad = (uint32_t)take_small(s);
    guest_write(s, gpa, &b, sizeof(b));
    hypercall(s, exit, FUZZ_OP_EVTCHN_BIND_VIRQ, HV_HC_evtchn_op,
              (uint64_t[6]){HV_EVTCHN_bind_virq, gpa});
    return true;
}

/* The commands whose argument is the port itself. */
static bool port_call(struct step *s, struct vcpu_exit *exit, enum fuzz_op op, uint64_t cmd)
{
    hypercall(s, exit, op, HV_HC_evtchn_op, (uint64_t[6]){cmd, take_port(s)});
    return true;
}

bool op_evtchn_send(struct step *s, struct vcpu_exit *exit)
{
    return port_call(s, exit, FUZZ_OP_EVTCHN_SEND, HV_EVTCHN_send);
}

bool op_evtchn_close(struct step *s, struct vcpu_exit *exit)
{
    return port_call(s, exit, FUZZ_OP_EVTCHN_CLOSE, HV_EVTCHN_close);
}

bool op_evtchn_unmask(struct step *s, struct vcpu_exit *exit)
{
    return port_call(s, exit, FUZZ_OP_EVTCHN_UNMASK, HV_EVTCHN_unmask);
}

static void fill_port(struct step *s, void *element)
{
    uint32_t port = (uint32_t)take_port(s);

    memcpy(element, &port, sizeof(port));
}

bool op_evtchn_send_batch(struct step *s, struct vcpu_exit *exit)
{
    batch_call(s, exit, FUZZ_OP_EVTCHN_SEND_BATCH, HV_HC_evtchn_op, HV_EVTCHN_send_batch,
               sizeof(uint32_t), fill_port);
    return true;
}

bool op_evtchn_status(struct step *s, struct vcpu_exit *exit)
{
    struct hv_evtchn_status st;
    uint64_t gpa = take_gpa(s, sizeof(st));

    memset(&st, 0xa5, sizeof(st));
    st.port = (uint32_t)take_port(s);
    guest_write(s, gpa, &st, sizeof(st));
    hypercall(s, exit, FUZZ_OP_EVTCHN_STATUS, HV_HC_evtchn_op,
              (uint64_t[6]){HV_EVTCHN_status, gpa});
    return true;
}

bool op_evtchn_bind_vcpu(struct step *s, struct vcpu_exit *exit)
{
    struct hv_evtchn_bind_vcpu b;
    uint64_t gpa = take_gpa(s, sizeof(b));

    b.port = (uint32_t)take_port(s);
    b.vcpu = (uint32_t)take_vcpu(s);
    guest_write(s, gpa, &b, sizeof(b));
    hypercall(s, exit, FUZZ_OP_EVTCHN_BIND_VCPU, HV_HC_evtchn_op,
              (uint64_t[6]){HV_EVTCHN_bind_vcpu, gpa});
    return true;
}
