/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables: the grant_table_op hypercall (public/grant.h) and the
 * teardown of grants when a domain dies (hv/grant.h has the rules).
 *
 * The table lives in the granter's memory, so the hypervisor reads an entry
 * once per operation and keeps what it has done in its own pages: per
 * granter, an active record for each reference (how often it is mapped,
 * to which frame, by whom); per grantee, a maptrack entry for each mapping
 * (where, which frame, from which reference). page_info.count of a frame is
 * the number of maptrack entries naming it.
 *
 * Locking: none yet; one physical CPU runs the hypervisor with interrupts
 * off, so a hypercall runs to completion and the static batch buffer is
 * never used twice at once. With more CPUs the active records, maptracks
 * and the entry flag updates need a per-domain lock (granter before
 * grantee), the buffer becomes per-CPU, and unmaps need a remote flush.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/grant.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <public/grant.h>
#include <public/hv.h>
#include <string.h>

/* What the hypervisor knows of one reference of a granter. */
struct grant_active {
    uint64_t mfn;     /* the frame its mappings hold (valid while maps > 0) */
    uint32_t maps;    /* live mappings of the reference */
    uint16_t writers; /* how many of them are writable */
    uint16_t grantee; /* the domain holding them */
};

/* One mapping a grantee holds; its index is the handle. */
struct maptrack {
    uint64_t gfn;     /* where it is in the grantee's p2m */
    uint64_t mfn;     /* the frame */
    uint32_t ref;     /* the granter's reference */
    uint16_t granter; /* the granter's id, or GRANT_ORPHAN once it died */
    uint8_t in_use;
    uint8_t readonly;
    uint64_t pad;
};

#define GRANT_ORPHAN 0xffffu
#define ACTIVE_PER_PAGE (PAGE_SIZE / sizeof(struct grant_active))
#define MAPTRACK_PER_PAGE (PAGE_SIZE / sizeof(struct maptrack))
#define ACTIVE_PAGES (HV_GRANT_TABLE_FRAMES_MAX * HV_GRANT_ENTRIES_PER_FRAME / ACTIVE_PER_PAGE)
#define MAPTRACK_PAGES (HV_GRANT_MAPS_MAX / MAPTRACK_PER_PAGE)

struct grant_domain {
    uint64_t table_gfn;   /* the table's first frame in the domain's memory */
    uint32_t nr_refs;     /* entries in the table; 0 before setup_table */
    uint32_t active_maps; /* sum of active[].maps: the table's mappings */
    uint32_t nr_maps;     /* maptrack entries in use: the domain's mappings */
    struct grant_active *active[ACTIVE_PAGES];
    struct maptrack *maptrack[MAPTRACK_PAGES];
};

BUILD_BUG_ON(sizeof(struct hv_grant_entry) * HV_GRANT_ENTRIES_PER_FRAME != PAGE_SIZE);
BUILD_BUG_ON(sizeof(struct grant_active) != 16);
BUILD_BUG_ON(sizeof(struct maptrack) != 32);
BUILD_BUG_ON(HV_GRANT_ENTRIES_PER_FRAME % ACTIVE_PER_PAGE != 0);
BUILD_BUG_ON(HV_GRANT_MAPS_MAX % MAPTRACK_PER_PAGE != 0);
BUILD_BUG_ON(sizeof(struct grant_domain) > PAGE_SIZE);
BUILD_BUG_ON(DOMAIN_MAX >= GRANT_ORPHAN);
BUILD_BUG_ON(HV_GRANT_MAPS_MAX > UINT16_MAX); /* writers is 16 bits */

/* The batch being worked on: the largest element times the largest count. */
static uint8_t batch[HV_GRANT_BATCH_MAX * sizeof(struct hv_grant_copy)];

static struct grant_active *active_of(struct grant_domain *gd, uint32_t ref)
{
    return &gd->active[ref / ACTIVE_PER_PAGE][ref % ACTIVE_PER_PAGE];
}

static struct maptrack *maptrack_of(struct grant_domain *gd, uint32_t handle)
{
    struct maptrack *page;

    if (handle >= HV_GRANT_MAPS_MAX)
        return NULL;
    page = gd->maptrack[handle / MAPTRACK_PER_PAGE];
    return page ? &page[handle % MAPTRACK_PER_PAGE] : NULL;
}

static struct grant_domain *grant_domain_get(struct domain *d)
{
    if (!d->grant)
        d->grant = heap_alloc_page();
    return d->grant;
}

/* A granter that can be used: it exists and is not being destroyed. */
static struct domain *granter_lookup(uint32_t id)
{
    struct domain *d = domain_lookup(id);

    return d && d->state != DOMAIN_DYING && d->state != DOMAIN_DEAD ? d : NULL;
}

static uint64_t entry_gpa(const struct grant_domain *gd, uint32_t ref)
{
    return (gd->table_gfn << PAGE_SHIFT) + (uint64_t)ref * sizeof(struct hv_grant_entry);
}

/* Read entry ref of d's table: the one read an operation makes. */
static int entry_read(struct domain *d, uint32_t ref, struct hv_grant_entry *e)
{
    if (!d->grant || ref >= d->grant->nr_refs)
        return -HV_EINVAL;
    return copy_from_guest(d, e, entry_gpa(d->grant, ref), sizeof(*e));
}

/* Tell the granter, in its entry's OUT bits, whether ref is mapped. The
 * granter may have rewritten the entry since; only these bits change. */
static void entry_flags_update(struct domain *d, uint32_t ref)
{
    const struct grant_active *act = active_of(d->grant, ref);
    uint64_t gpa = entry_gpa(d->grant, ref) + offsetof(struct hv_grant_entry, flags);
    uint16_t flags;

    if (copy_from_guest(d, &flags, gpa, sizeof(flags)))
        return;
    flags &= (uint16_t) ~(HV_GTF_mapped | HV_GTF_mapped_rw);
    flags |= (uint16_t)((act->maps ? HV_GTF_mapped : 0) | (act->writers ? HV_GTF_mapped_rw : 0));
    /* The table is the domain's own memory (setup_table checked), so
     * this cannot fail; and if it did, only the granter's view would. */
    if (copy_to_guest(d, gpa, &flags, sizeof(flags)))
        return;
}

/* The frame behind gfn of granter, which must be its own memory: a frame
 * it maps from someone else cannot be granted on. */
static int granted_frame(struct domain *granter, uint64_t gfn, mfn_t *mfn)
{
    struct page_info *pg;
    unsigned int perms;

    if (gfn >= granter->memory_size >> PAGE_SHIFT ||
        arch_p2m_lookup(granter, _gfn(gfn), mfn, &perms))
        return -HV_EINVAL;
    pg = mfn_to_page(*mfn);
    return pg && pg->owner == granter ? 0 : -HV_EINVAL;
}

/*
 * The frame a grant reference of domain domid lets d reach, checked
 * against the entry as read now: permitted, for d, writable if asked.
 */
static int grant_resolve(struct domain *d, uint32_t domid, uint32_t ref, bool write,
                         struct domain **granter, mfn_t *mfn)
{
    struct hv_grant_entry e;
    int err;

    *granter = granter_lookup(domid);
    if (!*granter)
        return -HV_ESRCH;
    err = entry_read(*granter, ref, &e);
    if (err)
        return err == -HV_EFAULT ? -HV_EINVAL : err;
    if (!(e.flags & HV_GTF_permit_access) || e.domid != d->id)
        return -HV_EACCES;
    if (write && (e.flags & HV_GTF_readonly))
        return -HV_EACCES;
    return granted_frame(*granter, e.gfn, mfn);
}

/*
 * A frame of a dead granter lost its last mapping. Its block (the one the
 * granter was given, now owned by the hypervisor) is freed once none of
 * its frames is mapped any more.
 */
static void orphan_release(mfn_t mfn)
{
    uint64_t head = mfn_x(mfn), size;
    struct page_info *pg = mfn_to_page(mfn);

    BUG_ON(pg->owner || pg->state != PAGE_ALLOCATED);
    while (!pg->head) {
        BUG_ON(head == 0);
        pg = mfn_to_page(_mfn(--head));
        BUG_ON(!pg || pg->state != PAGE_ALLOCATED || pg->owner);
    }
    size = 1ull << pg->order;
    for (uint64_t i = 0; i < size; i++)
        if (mfn_to_page(_mfn(head + i))->count)
            return;
    BUG_ON(page_free(_mfn(head), pg->order));
}

/* Remove one mapping of d's, whatever state its granter is in. */
static void unmap_one(struct domain *d, struct maptrack *m)
{
    struct page_info *pg = mfn_to_page(_mfn(m->mfn));

    BUG_ON(arch_p2m_unmap(d, _gfn(m->gfn)));
    BUG_ON(!pg || pg->count == 0);
    pg->count--;
    if (m->granter != GRANT_ORPHAN) {
        struct domain *granter = domain_lookup(m->granter);
        struct grant_active *act;

        /* A granter that dies first turns its mappings into orphans. */
        BUG_ON(!granter || !granter->grant);
        act = active_of(granter->grant, m->ref);
        BUG_ON(act->maps == 0 || act->mfn != m->mfn);
        act->maps--;
        if (!m->readonly)
            act->writers--;
        granter->grant->active_maps--;
        entry_flags_update(granter, m->ref);
    } else if (pg->count == 0 && !pg->owner) {
        /* Still owned: the granter's teardown has not reached the frame
         * yet, and frees it when it does (nothing maps it now). */
        orphan_release(_mfn(m->mfn));
    }
    memset(m, 0, sizeof(*m));
    d->grant->nr_maps--;
}

/* ---- setup_table ---------------------------------------------------------- */

static int grant_setup_table(struct domain *d, uint64_t gfn, uint64_t frames)
{
    struct grant_active *active[ACTIVE_PAGES] = {0};
    struct grant_domain *gd;
    uint64_t end, pages = frames * HV_GRANT_ENTRIES_PER_FRAME / ACTIVE_PER_PAGE;

    if (frames == 0)
        return -HV_EINVAL;
    if (frames > HV_GRANT_TABLE_FRAMES_MAX)
        return -HV_E2BIG;
    if (add_overflow(gfn, frames, &end) || end > d->memory_size >> PAGE_SHIFT)
        return -HV_EFAULT;
    if (d->grant && d->grant->active_maps)
        return -HV_EBUSY;
    /* Allocate everything first: running out leaves the old table. */
    gd = grant_domain_get(d);
    if (!gd)
        return -HV_ENOMEM;
    for (uint64_t i = 0; i < pages; i++) {
        active[i] = heap_alloc_page();
        if (!active[i]) {
            for (uint64_t j = 0; j < i; j++)
                heap_free_page(active[j]);
            return -HV_ENOMEM;
        }
    }
    for (unsigned int i = 0; i < ACTIVE_PAGES; i++) {
        heap_free_page(gd->active[i]);
        gd->active[i] = active[i];
    }
    gd->table_gfn = gfn;
    gd->nr_refs = (uint32_t)(frames * HV_GRANT_ENTRIES_PER_FRAME);
    return 0;
}

/* ---- map and unmap -------------------------------------------------------- */

static int grant_map(struct domain *d, void *element)
{
    struct hv_grant_map *op = element;
    bool readonly = op->flags & HV_GNTMAP_readonly;
    struct domain *granter;
    struct grant_active *act;
    struct maptrack *m = NULL;
    struct grant_domain *gd;
    uint32_t handle;
    mfn_t mfn, old;
    unsigned int perms;
    int err;

    op->handle = UINT32_MAX; /* until it succeeds */
    /* Check everything first; nothing has changed if any check fails. */
    if (op->flags & ~HV_GNTMAP_readonly)
        return -HV_EINVAL;
    if (!IS_ALIGNED(op->gpa, PAGE_SIZE) || op->gpa >= HV_GRANT_MAP_GPA_LIMIT)
        return -HV_EINVAL;
    if (op->domid == d->id)
        return -HV_EINVAL; /* its own frames are mapped already */
    err = grant_resolve(d, op->domid, op->ref, !readonly, &granter, &mfn);
    if (err)
        return err;
    act = active_of(granter->grant, op->ref);
    /* While a reference is mapped it stays bound to the frame and domain
     * it was first mapped with, whatever the granter writes meanwhile. */
    if (act->maps && (act->mfn != mfn_x(mfn) || act->grantee != d->id))
        return -HV_EBUSY;
    if (d->grant && d->grant->nr_maps >= HV_GRANT_MAPS_MAX)
        return -HV_ENOSPC;
    if (!arch_p2m_lookup(d, _gfn(op->gpa >> PAGE_SHIFT), &old, &perms))
        return -HV_EEXIST;

    /* Allocations may fail; what they leave behind is merely unused. */
    gd = grant_domain_get(d);
    if (!gd)
        return -HV_ENOMEM;
    for (handle = 0; handle < HV_GRANT_MAPS_MAX; handle++) {
        struct maptrack **page = &gd->maptrack[handle / MAPTRACK_PER_PAGE];

        if (!*page && !(*page = heap_alloc_page()))
            return -HV_ENOMEM;
        m = maptrack_of(gd, handle);
        if (!m->in_use)
            break;
    }
    BUG_ON(handle == HV_GRANT_MAPS_MAX); /* nr_maps said there is room */
    err = arch_p2m_map(d, _gfn(op->gpa >> PAGE_SHIFT), mfn, 0, readonly ? P2M_R : P2M_R | P2M_W);
    if (err)
        return err;

    mfn_to_page(mfn)->count++;
    *m = (struct maptrack){
        .gfn = op->gpa >> PAGE_SHIFT,
        .mfn = mfn_x(mfn),
        .ref = op->ref,
        .granter = (uint16_t)granter->id,
        .in_use = 1,
        .readonly = readonly,
    };
    gd->nr_maps++;
    act->mfn = mfn_x(mfn);
    act->grantee = (uint16_t)d->id;
    act->maps++;
    if (!readonly)
        act->writers++;
    granter->grant->active_maps++;
    entry_flags_update(granter, op->ref);
    op->handle = handle;
    return 0;
}

static int grant_unmap(struct domain *d, void *element)
{
    const struct hv_grant_unmap *op = element;
    struct maptrack *m = d->grant ? maptrack_of(d->grant, op->handle) : NULL;

    if (!m || !m->in_use)
        return -HV_EINVAL;
    unmap_one(d, m);
    return 0;
}

/* ---- copy ----------------------------------------------------------------- */

/* One side of a copy: its frame, checked for d and for the direction. */
static int copy_side(struct domain *d, const struct hv_grant_copy_ptr *p, bool is_gref, bool write,
                     size_t length, uint8_t **at)
{
    struct domain *granter;
    unsigned int perms;
    mfn_t mfn;
    int err;

    if (p->pad || p->offset >= PAGE_SIZE || p->offset + length > PAGE_SIZE)
        return -HV_EINVAL;
    if (is_gref) {
        if (p->frame > UINT32_MAX)
            return -HV_EINVAL;
        err = grant_resolve(d, p->domid, (uint32_t)p->frame, write, &granter, &mfn);
        if (err)
            return err;
    } else {
        /* A frame number names one of the caller's own frames only. */
        if (arch_p2m_lookup(d, _gfn(p->frame), &mfn, &perms) || (write && !(perms & P2M_W)) ||
            !mfn_to_page(mfn) || mfn_to_page(mfn)->owner != d)
            return -HV_EFAULT;
    }
    *at = (uint8_t *)arch_frame_virt(mfn) + p->offset;
    return 0;
}

static int grant_copy(struct domain *d, void *element)
{
    const struct hv_grant_copy *op = element;
    uint8_t *src, *dst;
    int err;

    if (op->flags & ~(HV_GNTCOPY_source_gref | HV_GNTCOPY_dest_gref) || op->length > PAGE_SIZE)
        return -HV_EINVAL;
    err = copy_side(d, &op->source, op->flags & HV_GNTCOPY_source_gref, false, op->length, &src);
    if (!err)
        err = copy_side(d, &op->dest, op->flags & HV_GNTCOPY_dest_gref, true, op->length, &dst);
    if (err)
        return err;
    /* Both sides may be the same frame. */
    memmove(dst, src, op->length);
    return 0;
}

/* ---- the granter's own references ------------------------------------------ */

static int grant_end_access(struct domain *d, void *element)
{
    const struct hv_grant_end_access *op = element;
    struct hv_grant_entry e;
    int err = entry_read(d, op->ref, &e);

    if (err)
        return err == -HV_EFAULT ? -HV_EINVAL : err;
    if (active_of(d->grant, op->ref)->maps)
        return -HV_EBUSY;
    e.flags = 0;
    return copy_to_guest(d, entry_gpa(d->grant, op->ref), &e.flags, sizeof(e.flags));
}

static int grant_query(struct domain *d, void *element)
{
    struct hv_grant_query *op = element;
    const struct grant_active *act;

    op->maps = op->writers = op->grantee = 0;
    if (!d->grant || op->ref >= d->grant->nr_refs)
        return -HV_EINVAL;
    act = active_of(d->grant, op->ref);
    op->maps = act->maps;
    op->writers = act->writers;
    op->grantee = act->maps ? act->grantee : 0;
    return 0;
}

/* ---- the hypercall ---------------------------------------------------------- */

/* How each batched command's elements look: their size, and which bytes
 * are OUT (written back after the element is done; status comes first). */
struct batch_op {
    size_t size, out_offset, out_len;
    int (*fn)(struct domain *d, void *element);
};

#define OUT_RANGE(type, last)                                                                      \
    offsetof(type, status),                                                                        \
        offsetof(type, last) + sizeof(((type *)0)->last) - offsetof(type, status)

static const struct batch_op batch_ops[] = {
    [HV_GNTOP_map] = {sizeof(struct hv_grant_map), OUT_RANGE(struct hv_grant_map, handle),
                      grant_map},
    [HV_GNTOP_unmap] = {sizeof(struct hv_grant_unmap), OUT_RANGE(struct hv_grant_unmap, status),
                        grant_unmap},
    [HV_GNTOP_copy] = {sizeof(struct hv_grant_copy), OUT_RANGE(struct hv_grant_copy, status),
                       grant_copy},
    [HV_GNTOP_end_access] = {sizeof(struct hv_grant_end_access),
                             OUT_RANGE(struct hv_grant_end_access, status), grant_end_access},
    [HV_GNTOP_query] = {sizeof(struct hv_grant_query), OUT_RANGE(struct hv_grant_query, grantee),
                        grant_query},
};

static int batch_run(struct domain *d, const struct batch_op *op, uint64_t gpa, uint64_t count)
{
    size_t len;
    int err;

    if (count > HV_GRANT_BATCH_MAX)
        return -HV_E2BIG;
    if (count == 0)
        return 0;
    len = (size_t)count * op->size;
    BUG_ON(len > sizeof(batch));
    /* Copy the array in once; writing it straight back unchanged proves
     * the statuses can be written before any element is acted on. */
    err = copy_from_guest(d, batch, gpa, len);
    if (!err)
        err = copy_to_guest(d, gpa, batch, len);
    if (err)
        return err;
    for (uint64_t i = 0; i < count; i++) {
        uint8_t *element = batch + i * op->size;
        int32_t status = op->fn(d, element);

        memcpy(element + op->out_offset, &status, sizeof(status));
        /* Only the OUT bytes: the element may have copied into the array. */
        err = copy_to_guest(d, gpa + i * op->size + op->out_offset, element + op->out_offset,
                            op->out_len);
        /* The array was writable a moment ago and no element can unmap
         * the domain's own memory; should that change, fail the call. */
        if (err)
            return err;
    }
    return 0;
}

/* grant_table_op(cmd, arg, count) */
int64_t do_grant_table_op(struct vcpu *v, const uint64_t args[6])
{
    uint64_t cmd = args[0];

    if (cmd == HV_GNTOP_setup_table)
        return grant_setup_table(v->domain, args[1], args[2]);
    if (cmd >= ARRAY_SIZE(batch_ops) || !batch_ops[cmd].fn)
        return -HV_ENOSYS;
    return batch_run(v->domain, &batch_ops[cmd], args[1], args[2]);
}

/* ---- teardown ------------------------------------------------------------- */

void grant_domain_destroy(struct domain *d)
{
    struct grant_domain *gd = d->grant;

    if (!gd)
        return;
    /* As a grantee: let go of everything it mapped. */
    for (uint32_t h = 0; h < HV_GRANT_MAPS_MAX; h++) {
        struct maptrack *m = maptrack_of(gd, h);

        if (m && m->in_use)
            unmap_one(d, m);
    }
    /* As a granter: the others keep their mappings, no longer tied to
     * d's records; d's frames they map outlive it (hv/grant.h). */
    for (uint32_t id = 0; gd->active_maps && id < DOMAIN_MAX; id++) {
        struct domain *g = domain_lookup(id);

        for (uint32_t h = 0; g && g != d && g->grant && h < HV_GRANT_MAPS_MAX; h++) {
            struct maptrack *m = maptrack_of(g->grant, h);

            if (m && m->in_use && m->granter == d->id) {
                m->granter = GRANT_ORPHAN;
                gd->active_maps--;
            }
        }
    }
    BUG_ON(gd->active_maps || gd->nr_maps);
    for (unsigned int i = 0; i < ACTIVE_PAGES; i++)
        heap_free_page(gd->active[i]);
    for (unsigned int i = 0; i < MAPTRACK_PAGES; i++)
        heap_free_page(gd->maptrack[i]);
    heap_free_page(gd);
    d->grant = NULL;
}

/* ---- audit ---------------------------------------------------------------- */

bool grant_mapping_covers(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int perms)
{
    for (uint32_t h = 0; d->grant && h < HV_GRANT_MAPS_MAX; h++) {
        const struct maptrack *m = maptrack_of(d->grant, h);

        if (m && m->in_use && m->gfn == gfn_x(gfn) && m->mfn == mfn_x(mfn))
            return perms == (m->readonly ? P2M_R : (P2M_R | P2M_W));
    }
    return false;
}

static int audit_fail(struct domain *d, uint32_t handle, const char *why)
{
    printk(LOG_ERR "audit: d%u grant mapping %u: %s\n", d->id, handle, why);
    return -HV_EINVAL;
}

enum count_by { BY_FRAME, BY_GRANTER, BY_REF, BY_REF_WRITABLE };

/* Live mappings, over every domain, of frame mfn, or from granter (and
 * its reference ref). Quadratic in the mappings, but only the audit asks. */
static uint64_t count_maps(enum count_by by, uint64_t mfn, uint32_t granter, uint32_t ref)
{
    uint64_t n = 0;

    for (uint32_t id = 0; id < DOMAIN_MAX; id++) {
        struct domain *g = domain_lookup(id);

        for (uint32_t h = 0; g && g->grant && h < HV_GRANT_MAPS_MAX; h++) {
            const struct maptrack *m = maptrack_of(g->grant, h);

            if (!m || !m->in_use)
                continue;
            if (by == BY_FRAME)
                n += m->mfn == mfn;
            else if (m->granter == granter && (by == BY_GRANTER || m->ref == ref))
                n += by != BY_REF_WRITABLE || !m->readonly;
        }
    }
    return n;
}

/* One mapping of grantee g against its p2m, the frame table and its
 * granter's records. */
static int audit_mapping(struct domain *g, uint32_t h, const struct maptrack *m)
{
    struct page_info *pg = mfn_to_page(_mfn(m->mfn));
    struct domain *granter;
    const struct grant_active *act;
    unsigned int perms;
    mfn_t mfn;

    if (arch_p2m_lookup(g, _gfn(m->gfn), &mfn, &perms) || mfn_x(mfn) != m->mfn)
        return audit_fail(g, h, "not in the grantee's p2m");
    if (perms != (m->readonly ? P2M_R : (P2M_R | P2M_W)))
        return audit_fail(g, h, "wrong permissions in the p2m");
    if (!pg || pg->state != PAGE_ALLOCATED || pg->count != count_maps(BY_FRAME, m->mfn, 0, 0))
        return audit_fail(g, h, "the frame's count is not the number of its mappings");
    /* Orphaned by the granter's teardown, whose later steps give its frames
     * to the hypervisor (owner NULL): in between, the dying granter still
     * owns them. Anyone else owning one is a frame given away twice. */
    if (m->granter == GRANT_ORPHAN)
        return pg->owner && !(pg->owner->state == DOMAIN_DYING && pg->owner->torn_down)
                   ? audit_fail(g, h, "orphan mapping of a frame a live domain owns")
                   : 0;
    granter = domain_lookup(m->granter);
    if (!granter || !granter->grant || m->ref >= granter->grant->nr_refs)
        return audit_fail(g, h, "its granter or reference is gone");
    if (pg->owner != granter)
        return audit_fail(g, h, "the frame is not its granter's");
    act = active_of(granter->grant, m->ref);
    if (act->mfn != m->mfn || act->grantee != g->id ||
        act->maps != count_maps(BY_REF, 0, m->granter, m->ref) ||
        act->writers != count_maps(BY_REF_WRITABLE, 0, m->granter, m->ref))
        return audit_fail(g, h, "the granter's active record disagrees");
    return 0;
}

int grant_audit(uint64_t total_count)
{
    uint64_t mappings = 0;

    for (uint32_t id = 0; id < DOMAIN_MAX; id++) {
        struct domain *g = domain_lookup(id);
        uint64_t active_maps = 0, maps = 0;

        if (!g || !g->grant)
            continue;
        for (uint32_t h = 0; h < HV_GRANT_MAPS_MAX; h++) {
            const struct maptrack *m = maptrack_of(g->grant, h);
            int err;

            if (!m || !m->in_use)
                continue;
            err = audit_mapping(g, h, m);
            if (err)
                return err;
            maps++;
        }
        for (uint32_t ref = 0; ref < g->grant->nr_refs; ref++)
            active_maps += active_of(g->grant, ref)->maps;
        if (maps != g->grant->nr_maps) {
            printk(LOG_ERR "audit: d%u holds %lu grant mappings, its count says %u\n", id, maps,
                   g->grant->nr_maps);
            return -HV_EINVAL;
        }
        /* A reference mapped by nobody must not look mapped. */
        if (active_maps != g->grant->active_maps ||
            active_maps != count_maps(BY_GRANTER, 0, id, 0)) {
            printk(LOG_ERR "audit: d%u's references have %lu mappings, its count says %u, "
                           "the grantees hold %lu\n",
                   id, active_maps, g->grant->active_maps, count_maps(BY_GRANTER, 0, id, 0));
            return -HV_EINVAL;
        }
        mappings += maps;
    }
    /* Every reference a frame carries is one of the mappings above. */
    if (mappings != total_count) {
        printk(LOG_ERR "audit: %lu grant mappings, but frames carry %lu references\n", mappings,
               total_count);
        return -HV_EINVAL;
    }
    return 0;
}
