/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The frame-accounting audit (hv/audit.h): walks the frame table and every
 * domain's p2m and proves the ownership rules of docs/architecture.md.
 * It changes nothing and allocates nothing, so it can run between any two
 * steps of a test or a fuzzer. Its cost is linear in the frames and
 * quadratic in the grant mappings; nothing on a fast path calls it.
 *
 * Locking: none yet; one physical CPU runs the hypervisor.
 */
#include <hv/arch.h>
#include <hv/audit.h>
#include <hv/domain.h>
#include <hv/grant.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <public/errno.h>

static int audit_fail(const char *what, uint32_t id, uint64_t frame)
{
    printk(LOG_ERR "audit: d%u: %s (frame %#lx)\n", id, what, frame);
    return -HV_EINVAL;
}

/* One p2m leaf of d: its own frames are counted in *own, any other frame
 * must be a grant mapping d holds. */
static int audit_leaf(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order,
                      unsigned int perms, void *ctx)
{
    uint64_t *own = ctx;

    if (perms & P2M_MMIO) {
        /* Device memory (physdev.c): never a frame the allocator manages. */
        const struct page_info *pg = mfn_to_page(mfn);

        if (order != 0 || (pg && pg->state != PAGE_RESERVED))
            return audit_fail("its p2m maps RAM as device memory", d->id, mfn_x(mfn));
        return 0;
    }
    for (uint64_t i = 0; i < (1ull << order); i++) {
        const struct page_info *pg = mfn_to_page(_mfn(mfn_x(mfn) + i));

        if (!pg || pg->state != PAGE_ALLOCATED)
            return audit_fail("its p2m maps a frame that is not allocated", d->id, mfn_x(mfn) + i);
        if (pg->owner == d) {
            (*own)++;
            continue;
        }
        /* Grants map single frames. */
        if (order != 0 || !grant_mapping_covers(d, gfn, mfn, perms))
            return audit_fail("its p2m maps a foreign frame without a live grant mapping", d->id,
                              mfn_x(mfn));
    }
    return 0;
}

/* The id of the live domain owner points to, or DOMAIN_MAX. Compares
 * pointers rather than reading owner->id, which a stale owner would
 * make a read of freed memory. */
static uint32_t owner_id(const struct domain *owner, struct domain *const live[DOMAIN_MAX],
                         uint32_t *hint)
{
    if (*hint < DOMAIN_MAX && live[*hint] == owner)
        return *hint;
    for (uint32_t id = 0; id < DOMAIN_MAX; id++)
        if (live[id] == owner)
            return *hint = id;
    return DOMAIN_MAX;
}

int audit_frames(void)
{
    struct domain *live[DOMAIN_MAX];
    uint64_t owned[DOMAIN_MAX] = {0}, total_count = 0;
    uint32_t hint = 0;
    const struct page_info *pg;

    if (page_alloc_audit())
        return -HV_EINVAL;
    for (uint32_t id = 0; id < DOMAIN_MAX; id++)
        live[id] = domain_lookup(id);

    /* Frames: one owner or none, references only on allocated frames. */
    for (uint64_t f = 0; (pg = mfn_to_page(_mfn(f))) != NULL; f++) {
        uint32_t id;

        if (pg->state != PAGE_ALLOCATED) {
            if (pg->owner || pg->count)
                return audit_fail("a free or reserved frame has an owner or references", DOMAIN_MAX,
                                  f);
            continue;
        }
        total_count += pg->count;
        if (!pg->owner)
            continue; /* the hypervisor's */
        id = owner_id(pg->owner, live, &hint);
        if (id == DOMAIN_MAX)
            return audit_fail("a frame is owned by a domain that does not exist", DOMAIN_MAX, f);
        owned[id]++;
    }

    /* Domains: their p2m maps exactly what they own, plus grant mappings. */
    for (uint32_t id = 0; id < DOMAIN_MAX; id++) {
        struct domain *d = live[id];
        uint64_t own = 0;
        int err;

        if (!d)
            continue;
        if (d->id != id)
            return audit_fail("the domain table holds it under another id", id, 0);
        if (owned[id] != d->nr_frames) {
            printk(LOG_ERR "audit: d%u owns %lu frames, its count says %lu\n", id, owned[id],
                   d->nr_frames);
            return -HV_EINVAL;
        }
        err = arch_p2m_walk(d, audit_leaf, &own);
        if (err)
            return err;
        if (own != d->nr_frames) {
            printk(LOG_ERR "audit: d%u maps %lu of its own frames, owns %lu\n", id, own,
                   d->nr_frames);
            return -HV_EINVAL;
        }
    }
    return grant_audit(total_count);
}
