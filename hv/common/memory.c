/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memory_op: a domain populating, releasing and asking about its own
 * guest-physical memory, within the limit the control domain sets. Work
 * per call is bounded (HV_MEMOP_BATCH_MAX frames); the result says how far
 * it got, and the caller continues from there.
 *
 * Locking: called under the hypervisor lock (hv/sched.h), like every
 * hypercall.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <public/hv.h>
#include <string.h>

/* The limit on guest-physical addresses a domain may populate. */
#define GPA_LIMIT (HV_MEMOP_GPA_LIMIT >> PAGE_SHIFT)

static int populate_one(struct domain *d, uint64_t gfn)
{
    mfn_t mfn;
    unsigned int perms;
    int err;

    if (arch_p2m_lookup(d, _gfn(gfn), &mfn, &perms) == 0)
        return -HV_EEXIST;
    if (d->nr_frames >= d->max_frames)
        return -HV_ENOSPC;
    err = page_alloc(0, &mfn);
    if (err)
        return err;
    memset(arch_frame_virt(mfn), 0, PAGE_SIZE);
    mfn_to_page(mfn)->owner = d;
    err = arch_p2m_map(d, _gfn(gfn), mfn, 0, P2M_RWX);
    if (err) {
        mfn_to_page(mfn)->owner = NULL;
        BUG_ON(page_free(mfn, 0));
        return err;
    }
    d->nr_frames++;
    return 0;
}

/* The head of the allocated block holding frame mfn: the domain's memory
 * comes in blocks of 2 MiB (populated at creation) or single frames. */
static struct page_info *block_of(mfn_t mfn, unsigned int *order)
{
    struct page_info *pg = mfn_to_page(mfn);
    struct page_info *big = mfn_to_page(_mfn(mfn_x(mfn) & ~511ull));

    if (pg->head) {
        *order = pg->order;
        return pg;
    }
    *order = big ? big->order : 0;
    return big && big->head ? big : NULL;
}

static int release_one(struct domain *d, uint64_t gfn)
{
    struct page_info *pg, *block;
    unsigned int perms, order;
    mfn_t mfn;
    int err;

    if (gfn == HV_GUEST_SHARED_INFO_GPA >> PAGE_SHIFT)
        return -HV_EBUSY; /* the hypervisor writes there */
    if (arch_p2m_lookup(d, _gfn(gfn), &mfn, &perms))
        return -HV_ENOENT;
    pg = mfn_to_page(mfn);
    if (!pg || pg->owner != d)
        return -HV_EINVAL; /* a grant mapping: unmap it with grant_table_op */
    if (pg->count)
        return -HV_EBUSY; /* another domain maps it through a grant */
    block = block_of(mfn, &order);
    if (!block || (order != 0 && order != 9))
        return -HV_EINVAL; /* not how this domain's memory is laid out */
    if (order == 9) {
        /* A frame of a 2 MiB block: split the mapping, then the block, so
         * that both agree it is 512 single frames from now on. */
        err = arch_p2m_split(d, _gfn(gfn));
        if (err)
            return err;
        BUG_ON(page_alloc_split(_mfn(mfn_x(mfn) & ~511ull), 9));
    }
    BUG_ON(arch_p2m_unmap(d, _gfn(gfn)));
    pg->owner = NULL;
    BUG_ON(page_free(mfn, 0));
    d->nr_frames--;
    return 0;
}

/* memory_op(cmd, gfn, count) */
int64_t do_memory_op(struct vcpu *v, const uint64_t args[6])
{
    struct domain *d = v->domain;
    uint64_t gfn = args[1], count = args[2], end;
    mfn_t mfn;
    unsigned int perms;

    switch (args[0]) {
    case HV_MEMOP_populate:
    case HV_MEMOP_release:
        if (count == 0 || count > HV_MEMOP_BATCH_MAX || add_overflow(gfn, count, &end) ||
            end > GPA_LIMIT)
            return -HV_EINVAL;
        for (uint64_t i = 0; i < count; i++) {
            int err = args[0] == HV_MEMOP_populate ? populate_one(d, gfn + i)
                                                   : release_one(d, gfn + i);

            /* Progress so far, or the first error if there was none. */
            if (err)
                return i ? (int64_t)i : err;
        }
        return (int64_t)count;
    case HV_MEMOP_query:
        if (gfn >= GPA_LIMIT)
            return -HV_EINVAL;
        if (arch_p2m_lookup(d, _gfn(gfn), &mfn, &perms))
            return 0;
        return mfn_to_page(mfn) && mfn_to_page(mfn)->owner == d ? HV_MEMOP_OWN
                                                                : HV_MEMOP_GRANTED;
    case HV_MEMOP_info: {
        struct hv_memop_info info = {
            .frames = d->nr_frames,
            .max_frames = d->max_frames,
        };

        return copy_to_guest(d, args[1], &info, sizeof(info)) ? -HV_EFAULT : 0;
    }
    default:
        return -HV_ENOSYS;
    }
}
