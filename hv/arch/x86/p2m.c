/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The p2m: each domain's 4-level nested page table (guest-physical to
 * machine), walked the same way for AMD's NPT and Intel's EPT; the back end
 * supplies only the entry formats. 2 MiB leaves are used where the caller
 * maps an aligned 2 MiB block. Table pages belong to the hypervisor.
 * Entries are removed one at a time only for grant mappings (4 KiB
 * leaves); everything else goes when the domain is destroyed.
 */
#include <asm/hvm.h>
#include <hv/arch.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <public/errno.h>

#define P2M_LEVELS 4
#define ENTRIES 512

static uint64_t *table_of(uint64_t entry)
{
    return arch_frame_virt(_mfn((entry & PTE_ADDR_MASK) >> PAGE_SHIFT));
}

static unsigned int index_at(uint64_t gfn, unsigned int level)
{
    return (gfn >> (9 * level)) & (ENTRIES - 1);
}

int arch_domain_create(struct domain *d)
{
    struct arch_domain *ad = heap_alloc_page();
    void *root;

    if (!ad)
        return -HV_ENOMEM;
    root = heap_alloc_page();
    if (!root) {
        heap_free_page(ad);
        return -HV_ENOMEM;
    }
    ad->p2m_root = _mfn((uint64_t)(uintptr_t)root >> PAGE_SHIFT);
    d->arch = ad;
    if (ioport_domain_init(d)) {
        heap_free_page(root);
        heap_free_page(ad);
        d->arch = NULL;
        return -HV_ENOMEM;
    }
    return 0;
}

/*
 * Give back what table (at level: 3 = the root's children ... 0 = leaves of
 * 4 KiB) maps, clearing each entry as its frames are released, until
 * *budget runs out. Returns true when the table is empty and freed.
 */
static bool teardown(struct domain *d, uint64_t *table, unsigned int level,
                     void (*release)(struct domain *, mfn_t, unsigned int), unsigned int *budget)
{
    for (unsigned int i = 0; i < ENTRIES; i++) {
        uint64_t e = table[i];

        if (!hvm->p2m_present(e))
            continue;
        if (level == 0 || (level == 1 && (e & PTE_PS))) {
            if (*budget == 0)
                return false;
            (*budget)--;
            /* Device memory is not the domain's to give back. */
            if (!(hvm->p2m_perms(e) & P2M_MMIO))
                release(d, _mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT), level == 1 ? 9 : 0);
        } else if (!teardown(d, table_of(e), level - 1, release, budget)) {
            return false;
        }
        table[i] = 0;
    }
    heap_free_page(table);
    return true;
}

/* Nothing of d runs (it is dying and no vCPU is busy), so entries can go
 * without a flush; each step starts again from the root and skips what
 * earlier steps cleared. */
int arch_domain_release(struct domain *d, void (*release)(struct domain *, mfn_t, unsigned int),
                        unsigned int *budget)
{
    if (!d->arch)
        return 0;
    if (!teardown(d, arch_frame_virt(d->arch->p2m_root), P2M_LEVELS - 1, release, budget))
        return -HV_ERESTART;
    ioport_domain_destroy(d);
    heap_free_page(d->arch);
    d->arch = NULL;
    return 0;
}

int arch_p2m_map(struct domain *d, gfn_t gfn, mfn_t mfn, unsigned int order, unsigned int perms)
{
    uint64_t g = gfn_x(gfn);
    uint64_t *table = arch_frame_virt(d->arch->p2m_root);
    unsigned int leaf_level = order == 9 ? 1 : 0;

    if ((order != 0 && order != 9) || !IS_ALIGNED(g, 1ull << order) ||
        !IS_ALIGNED(mfn_x(mfn), 1ull << order) || g >> (9 * P2M_LEVELS))
        return -HV_EINVAL;
    for (unsigned int level = P2M_LEVELS - 1; level > leaf_level; level--) {
        uint64_t *e = &table[index_at(g, level)];

        if (!hvm->p2m_present(*e)) {
            void *next = heap_alloc_page();

            if (!next)
                return -HV_ENOMEM;
            *e = hvm->p2m_table(_mfn((uint64_t)(uintptr_t)next >> PAGE_SHIFT));
        } else if (level == 1 && (*e & PTE_PS)) {
            return -HV_EEXIST;
        }
        table = table_of(*e);
    }
    if (hvm->p2m_present(table[index_at(g, leaf_level)]))
        return -HV_EEXIST;
    table[index_at(g, leaf_level)] = hvm->p2m_leaf(mfn, perms, leaf_level == 1);
    hvm->p2m_changed(d);
    return 0;
}

int arch_p2m_lookup(struct domain *d, gfn_t gfn, mfn_t *mfn, unsigned int *perms)
{
    uint64_t g = gfn_x(gfn);
    uint64_t *table = arch_frame_virt(d->arch->p2m_root);

    if (g >> (9 * P2M_LEVELS))
        return -HV_ENOENT;
    for (unsigned int level = P2M_LEVELS - 1;; level--) {
        uint64_t e = table[index_at(g, level)];

        if (!hvm->p2m_present(e))
            return -HV_ENOENT;
        if (level == 0 || (level == 1 && (e & PTE_PS))) {
            uint64_t base = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

            *mfn = _mfn(level == 1 ? base + (g & 511) : base);
            *perms = hvm->p2m_perms(e);
            return 0;
        }
        table = table_of(e);
    }
}

static bool table_empty(const uint64_t *table)
{
    for (unsigned int i = 0; i < ENTRIES; i++)
        if (hvm->p2m_present(table[i]))
            return false;
    return true;
}

int arch_p2m_unmap(struct domain *d, gfn_t gfn)
{
    uint64_t g = gfn_x(gfn);
    uint64_t *path[P2M_LEVELS]; /* the table walked through at each level */
    uint64_t *table = arch_frame_virt(d->arch->p2m_root);

    if (g >> (9 * P2M_LEVELS))
        return -HV_ENOENT;
    for (unsigned int level = P2M_LEVELS - 1;; level--) {
        uint64_t e = table[index_at(g, level)];

        path[level] = table;
        if (!hvm->p2m_present(e))
            return -HV_ENOENT;
        if (level == 0)
            break;
        if (level == 1 && (e & PTE_PS))
            return -HV_EINVAL;
        table = table_of(e);
    }
    table[index_at(g, 0)] = 0; /* not present in NPT and EPT alike */
    /*
     * Free the tables this leaves empty (never the root), so that mapping
     * and unmapping at ever new addresses cannot use up the hypervisor's
     * memory. The guest runs again only after the flush below has taken
     * effect, so no walk can reach a freed table.
     */
    for (unsigned int level = 0; level < P2M_LEVELS - 1 && table_empty(path[level]); level++) {
        path[level + 1][index_at(g, level + 1)] = 0;
        heap_free_page(path[level]);
    }
    hvm->p2m_changed(d);
    return 0;
}

/* Visit the leaves under table, which maps from gfn base at level. */
static int walk(struct domain *d, const uint64_t *table, unsigned int level, uint64_t base,
                p2m_walk_fn fn, void *ctx)
{
    for (unsigned int i = 0; i < ENTRIES; i++) {
        uint64_t e = table[i], gfn = base + ((uint64_t)i << (9 * level));
        int err;

        if (!hvm->p2m_present(e))
            continue;
        if (level == 0 || (level == 1 && (e & PTE_PS)))
            err = fn(d, _gfn(gfn), _mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT), level == 1 ? 9 : 0,
                     hvm->p2m_perms(e), ctx);
        else
            err = walk(d, table_of(e), level - 1, gfn, fn, ctx);
        if (err)
            return err;
    }
    return 0;
}

int arch_p2m_walk(struct domain *d, p2m_walk_fn fn, void *ctx)
{
    if (!d->arch)
        return 0;
    return walk(d, arch_frame_virt(d->arch->p2m_root), P2M_LEVELS - 1, 0, fn, ctx);
}

int arch_p2m_split(struct domain *d, gfn_t gfn)
{
    uint64_t g = gfn_x(gfn);
    uint64_t *table = arch_frame_virt(d->arch->p2m_root), *small;

    if (g >> (9 * P2M_LEVELS))
        return -HV_ENOENT;
    for (unsigned int level = P2M_LEVELS - 1; level > 1; level--) {
        uint64_t e = table[index_at(g, level)];

        if (!hvm->p2m_present(e))
            return -HV_ENOENT;
        table = table_of(e);
    }
    if (!hvm->p2m_present(table[index_at(g, 1)]))
        return -HV_ENOENT;
    if (!(table[index_at(g, 1)] & PTE_PS))
        return 0; /* already 4 KiB pages */
    small = heap_alloc_page();
    if (!small)
        return -HV_ENOMEM;
    {
        uint64_t e = table[index_at(g, 1)];
        uint64_t base = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
        unsigned int perms = hvm->p2m_perms(e);

        for (unsigned int i = 0; i < ENTRIES; i++)
            small[i] = hvm->p2m_leaf(_mfn(base + i), perms, false);
    }
    /* The same translations at a finer grain: replacing the entry in one
     * store keeps every walk consistent; flush the large ones cached. */
    table[index_at(g, 1)] = hvm->p2m_table(_mfn((uint64_t)(uintptr_t)small >> PAGE_SHIFT));
    hvm->p2m_changed(d);
    return 0;
}
