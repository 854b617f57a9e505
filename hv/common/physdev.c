/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * physdev_op (public/physdev.h): what the control domain needs to drive
 * devices itself. Nothing here emulates an instruction: I/O ports are
 * opened in the target's I/O bitmap, device memory is mapped into its p2m
 * at guest-physical = host-physical, DMA memory is a contiguous block
 * mapped the same way. PCI configuration space and interrupts, which the
 * hypervisor shares with the domain, are in physdev_msi.c.
 *
 * Each command copies its struct in once, checks everything, then acts;
 * a failure half-way through (out of memory for page tables) undoes what
 * was done.
 *
 * Locking: under the hypervisor lock, like every hypercall.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <hv/physdev.h>
#include <hv/rangeset.h>
#include <public/hv.h>
#include <string.h>

BUILD_BUG_ON(RANGESET_MAX != HV_PHYSDEV_IOPORT_RANGES);

struct physdev_domain {
    struct rangeset ioports; /* what the control domain opened for it */
};
BUILD_BUG_ON(sizeof(struct physdev_domain) > PAGE_SIZE);

static struct domain *live_target(uint64_t domid)
{
    struct domain *d = domid < DOMAIN_MAX ? domain_lookup((uint32_t)domid) : NULL;

    if (!d || d->state == DOMAIN_DYING || d->state == DOMAIN_DEAD)
        return NULL;
    return d;
}

static int op_ioport(struct domain *self, uint64_t gpa)
{
    struct hv_physdev_ioport p;
    struct rangeset next;
    struct domain *d;
    uint32_t last;
    int err;

    if (copy_from_guest(self, &p, gpa, sizeof(p)))
        return -HV_EFAULT;
    if (p.count == 0 || p.allow > 1 || p.first > 0xffff || p.count > 0x10000 - p.first)
        return -HV_EINVAL;
    if (!(d = live_target(p.domid)))
        return -HV_ESRCH;
    last = p.first + p.count - 1;
    if (!d->physdev && !(d->physdev = heap_alloc_page()))
        return -HV_ENOMEM;
    next = d->physdev->ioports;
    err = p.allow ? rangeset_add(&next, p.first, last) : rangeset_remove(&next, p.first, last);
    if (err)
        return err;
    /* The record and the bitmap change together, or neither does. */
    err = arch_ioport_permit(d, p.first, last, p.allow);
    if (err)
        return err;
    d->physdev->ioports = next;
    printk(LOG_DEBUG "hv: d%u: I/O ports %#x-%#x %s d%u\n", self->id, p.first, last,
           p.allow ? "given to" : "taken from", d->id);
    return 0;
}

static int op_iomem(struct domain *self, uint64_t gpa, bool map)
{
    struct hv_physdev_iomem m;
    struct domain *d;
    mfn_t mfn;
    unsigned int perms;

    if (copy_from_guest(self, &m, gpa, sizeof(m)))
        return -HV_EFAULT;
    if (m.pad || m.count == 0)
        return -HV_EINVAL;
    if (m.count > HV_PHYSDEV_IOMEM_MAX)
        return -HV_E2BIG;
    if (!(d = live_target(m.domid)))
        return -HV_ESRCH;
    if (!arch_mmio_allowed(m.frame, m.count))
        return -HV_EPERM;
    /* A bound MSI-X entry's address and data are the hypervisor's. */
    if (map && physdev_msix_table_overlaps(m.frame, m.count))
        return -HV_EPERM;
    /* Check every frame before changing any. */
    for (uint64_t i = 0; i < m.count; i++) {
        bool mapped = !arch_p2m_lookup(d, _gfn(m.frame + i), &mfn, &perms);

        if (map && mapped)
            return -HV_EEXIST;
        if (!map && (!mapped || !(perms & P2M_MMIO) || mfn_x(mfn) != m.frame + i))
            return -HV_EINVAL;
    }
    for (uint64_t i = 0; i < m.count; i++) {
        int err;

        if (!map) {
            BUG_ON(arch_p2m_unmap(d, _gfn(m.frame + i)));
            continue;
        }
        err = arch_p2m_map(d, _gfn(m.frame + i), _mfn(m.frame + i), 0,
                           P2M_R | P2M_W | P2M_MMIO);
        if (err) {
            while (i--)
                BUG_ON(arch_p2m_unmap(d, _gfn(m.frame + i)));
            return err;
        }
    }
    printk(LOG_DEBUG "hv: d%u: device memory %#lx-%#lx %s d%u\n", self->id,
           m.frame << PAGE_SHIFT, ((m.frame + m.count) << PAGE_SHIFT) - 1,
           map ? "mapped into" : "unmapped from", d->id);
    return 0;
}

/* Is any gfn of [gfn, gfn + count) mapped in d? */
static bool any_mapped(struct domain *d, uint64_t gfn, uint64_t count)
{
    mfn_t mfn;
    unsigned int perms;

    for (uint64_t i = 0; i < count; i++)
        if (!arch_p2m_lookup(d, _gfn(gfn + i), &mfn, &perms))
            return true;
    return false;
}

/* A block of 2^order frames whose host addresses are free in d's p2m.
 * Blocks that collide (they lie under its RAM's guest addresses) are held
 * until the end, chained through their first words, so that they are not
 * found again: at most d's memory size in frames is ever held. */
static int dma_block(struct domain *d, unsigned int order, mfn_t *out)
{
    uint64_t held = UINT64_MAX; /* frame number of the first held block */
    int err = -HV_ENOMEM;
    mfn_t mfn;

    while (!page_alloc(order, &mfn)) {
        if (!any_mapped(d, mfn_x(mfn), 1ull << order)) {
            *out = mfn;
            err = 0;
            break;
        }
        *(uint64_t *)arch_frame_virt(mfn) = held;
        held = mfn_x(mfn);
    }
    while (held != UINT64_MAX) {
        uint64_t next = *(uint64_t *)arch_frame_virt(_mfn(held));

        BUG_ON(page_free(_mfn(held), order));
        held = next;
    }
    return err;
}

static int op_dma_alloc(struct domain *d, uint64_t gpa)
{
    struct hv_physdev_dma a;
    unsigned int order = 0;
    uint64_t count;
    mfn_t mfn;
    int err;

    if (copy_from_guest(d, &a, gpa, sizeof(a)) || copy_to_guest(d, gpa, &a, sizeof(a)))
        return -HV_EFAULT;
    if (a.size < PAGE_SIZE || a.size > HV_PHYSDEV_DMA_MAX || (a.size & (a.size - 1)))
        return -HV_EINVAL;
    count = a.size >> PAGE_SHIFT;
    while ((1ull << order) < count)
        order++;
    if ((err = dma_block(d, order, &mfn)))
        return err;
    /* On top of its maximum: the control domain's RAM is populated in full
     * at boot, and DMA memory is a privilege only it has. */
    d->max_frames += count;
    /* Single frames from now on, as memory_op release expects. */
    if (order)
        BUG_ON(page_alloc_split(mfn, order));
    for (uint64_t i = 0; i < count; i++) {
        mfn_t f = _mfn(mfn_x(mfn) + i);

        memset(arch_frame_virt(f), 0, PAGE_SIZE);
        mfn_to_page(f)->owner = d;
        err = arch_p2m_map(d, _gfn(mfn_x(f)), f, 0, P2M_R | P2M_W);
        if (err) {
            /* Undo the frames mapped so far, free the rest unmapped. */
            for (uint64_t j = 0; j < count; j++) {
                mfn_t g = _mfn(mfn_x(mfn) + j);

                if (j < i) {
                    BUG_ON(arch_p2m_unmap(d, _gfn(mfn_x(g))));
                    d->nr_frames--;
                }
                mfn_to_page(g)->owner = NULL;
                BUG_ON(page_free(g, 0));
            }
            d->max_frames -= count;
            return err;
        }
        d->nr_frames++;
    }
    a.address = mfn_x(mfn) << PAGE_SHIFT;
    printk(LOG_DEBUG "hv: d%u: DMA memory %#lx-%#lx mapped 1:1\n", d->id, a.address,
           a.address + a.size - 1);
    BUG_ON(copy_to_guest(d, gpa, &a, sizeof(a)));
    return 0;
}

/* physdev_op(cmd, arg) */
int64_t do_physdev_op(struct vcpu *v, const uint64_t args[6])
{
    struct domain *d = v->domain;

    if (!d->privileged)
        return -HV_EPERM;
    switch (args[0]) {
    case HV_PHYSDEV_ioport_permission:
        return op_ioport(d, args[1]);
    case HV_PHYSDEV_iomem_map:
        return op_iomem(d, args[1], true);
    case HV_PHYSDEV_iomem_unmap:
        return op_iomem(d, args[1], false);
    case HV_PHYSDEV_pci_conf_read:
        return physdev_pci_conf(d, args[1], false);
    case HV_PHYSDEV_pci_conf_write:
        return physdev_pci_conf(d, args[1], true);
    case HV_PHYSDEV_bind_msi:
        return physdev_bind_msi(d, args[1]);
    case HV_PHYSDEV_unbind:
        return event_close_pirq(d, args[1]);
    case HV_PHYSDEV_dma_alloc:
        return op_dma_alloc(d, args[1]);
    case HV_PHYSDEV_bind_irq:
        return physdev_bind_irq(d, args[1]);
    case HV_PHYSDEV_irq_eoi:
        return physdev_irq_eoi(d, args[1]);
    case HV_PHYSDEV_bind_msix:
        return physdev_bind_msix(d, args[1]);
    default:
        return -HV_ENOSYS;
    }
}

void physdev_domain_destroy(struct domain *d)
{
    heap_free_page(d->physdev);
    d->physdev = NULL;
}
