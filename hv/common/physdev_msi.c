/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control domain's PCI configuration space accesses and its device
 * interrupts. The hypervisor performs every configuration access itself
 * (the ports are shared, and no instruction is emulated): reads are
 * passed through, writes that would let a device reach the hypervisor's
 * memory or interrupts are refused. A device's MSI is programmed by the
 * hypervisor alone, with a host vector whose interrupts become events on
 * a port of the control domain (a "pirq" binding).
 *
 * Locking: under the hypervisor lock; physdev_irq() takes it itself.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/physdev.h>
#include <hv/sched.h>
#include <public/hv.h>

#define PCI_COMMAND 0x04
#define PCI_COMMAND_INTX_DISABLE (1u << 10)
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST (1u << 4)
/* Type 0 headers: BARs 0x10-0x27, ROM 0x30. Type 1 (bridges): BARs
 * 0x10-0x17, the windows they forward 0x1c-0x2f and 0x30-0x33, ROM 0x38.
 * Refused alike: what is read-only in one type is harmless to refuse. */
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR_FIRST 0x10
#define PCI_BAR_LAST 0x2f
#define PCI_ROM 0x30
#define PCI_BRIDGE_ROM 0x38
#define PCI_CAP_POINTER 0x34
#define PCI_CAP_MSI 0x05
#define PCI_CAP_MSIX 0x11
#define PCI_CONF_SIZE 256

/* MSI capability fields (from the capability's start). */
#define MSI_CONTROL 2
#define MSI_CONTROL_ENABLE (1u << 0)
#define MSI_CONTROL_MME_MASK (7u << 4)
#define MSI_CONTROL_64BIT (1u << 7)
#define MSI_ADDRESS_LO 4
#define MSI_ADDRESS_HI 8
#define MSI_DATA_32 8
#define MSI_DATA_64 12
#define MSI_CAP_BYTES 24 /* the largest form: 64-bit with per-vector masks */
#define MSIX_CAP_BYTES 12
/* MSI-X capability and table fields. */
#define MSIX_CONTROL 2
#define MSIX_CONTROL_SIZE_MASK 0x7ffu
#define MSIX_CONTROL_FUNCTION_MASK (1u << 14)
#define MSIX_CONTROL_ENABLE (1u << 15)
#define MSIX_TABLE 4
#define MSIX_TABLE_BIR_MASK 7u
#define MSIX_ENTRY_BYTES 16
#define MSIX_ENTRY_ADDRESS_LO 0
#define MSIX_ENTRY_ADDRESS_HI 4
#define MSIX_ENTRY_DATA 8
#define MSIX_ENTRY_CONTROL 12
#define MSIX_ENTRY_MASKED 1u
#define PCI_BAR_IO 1u
#define PCI_BAR_TYPE_64 (2u << 1)
#define PCI_BAR_TYPE_MASK (3u << 1)
#define FOUR_GIB (4ull << 30)

#define PIRQ_MAX 64

struct pirq {
    bool used;
    bool pin;                /* an IOAPIC pin (gsi), else an MSI or MSI-X */
    bool msix;               /* an MSI-X entry, at table_entry */
    uint32_t gsi;
    uint8_t bus, devfn, cap; /* MSI, MSI-X: the function and its capability */
    uint16_t entry;          /* MSI-X: the entry, its address and its table's frames */
    uint64_t table_entry, table_first, table_last;
    uint32_t domid;
    uint32_t port;
};

static struct pirq pirqs[PIRQ_MAX];

/* Offset of the function's capability id, or 0. The list is the device's
 * to write: bounded, and pointers below the header end it. */
static unsigned int find_cap(unsigned int bus, unsigned int devfn, unsigned int id)
{
    unsigned int at;

    if (!(arch_pci_conf_read(bus, devfn, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return 0;
    at = arch_pci_conf_read(bus, devfn, PCI_CAP_POINTER, 1) & 0xfc;
    for (unsigned int hops = 0; hops < 48 && at >= 0x40; hops++) {
        if (arch_pci_conf_read(bus, devfn, at, 1) == id)
            return at;
        at = arch_pci_conf_read(bus, devfn, at + 1, 1) & 0xfc;
    }
    return 0;
}

static bool overlaps(unsigned int reg, unsigned int size, unsigned int start, unsigned int len)
{
    return reg < start + len && start < reg + size;
}

/* May the control domain write these bytes of the function's header? */
static bool write_allowed(unsigned int bus, unsigned int devfn, unsigned int reg,
                          unsigned int size)
{
    bool bridge = (arch_pci_conf_read(bus, devfn, PCI_HEADER_TYPE, 1) & 0x7f) == 1;
    unsigned int cap;

    /* A bridge's bus numbers (0x18-0x1a; BAR2 of other functions) stay
     * writable: they move no memory. */
    if ((overlaps(reg, size, PCI_BAR_FIRST, PCI_BAR_LAST - PCI_BAR_FIRST + 1) &&
         !(bridge && reg >= 0x18 && reg + size <= 0x1b)) ||
        overlaps(reg, size, PCI_ROM, 4) || overlaps(reg, size, PCI_BRIDGE_ROM, 4))
        return false;
    if ((cap = find_cap(bus, devfn, PCI_CAP_MSI)) && overlaps(reg, size, cap, MSI_CAP_BYTES))
        return false;
    if ((cap = find_cap(bus, devfn, PCI_CAP_MSIX)) && overlaps(reg, size, cap, MSIX_CAP_BYTES))
        return false;
    return true;
}

int physdev_pci_conf(struct domain *d, uint64_t gpa, bool write)
{
    struct hv_physdev_pci_conf c;

    if (copy_from_guest(d, &c, gpa, sizeof(c)) || copy_to_guest(d, gpa, &c, sizeof(c)))
        return -HV_EFAULT;
    if (c.segment || c.pad || c.pad2 || (c.size != 1 && c.size != 2 && c.size != 4) ||
        c.reg >= PCI_CONF_SIZE || c.reg % c.size)
        return -HV_EINVAL;
    if (write) {
        if (!write_allowed(c.bus, c.devfn, c.reg, c.size))
            return -HV_EPERM;
        arch_pci_conf_write(c.bus, c.devfn, c.reg, c.size, c.value);
        return 0;
    }
    c.value = arch_pci_conf_read(c.bus, c.devfn, c.reg, c.size);
    BUG_ON(copy_to_guest(d, gpa, &c, sizeof(c)));
    return 0;
}

static void msi_program(const struct pirq *p, uint64_t address, uint32_t data)
{
    unsigned int control = arch_pci_conf_read(p->bus, p->devfn, p->cap + MSI_CONTROL, 2);
    bool wide = control & MSI_CONTROL_64BIT;

    /* Off while it changes; one message (MME 0). */
    control &= ~(MSI_CONTROL_ENABLE | MSI_CONTROL_MME_MASK);
    arch_pci_conf_write(p->bus, p->devfn, p->cap + MSI_CONTROL, 2, control);
    arch_pci_conf_write(p->bus, p->devfn, p->cap + MSI_ADDRESS_LO, 4, (uint32_t)address);
    if (wide)
        arch_pci_conf_write(p->bus, p->devfn, p->cap + MSI_ADDRESS_HI, 4,
                            (uint32_t)(address >> 32));
    arch_pci_conf_write(p->bus, p->devfn, p->cap + (wide ? MSI_DATA_64 : MSI_DATA_32), 2, data);
}

static void msi_enable(const struct pirq *p, bool on)
{
    unsigned int control = arch_pci_conf_read(p->bus, p->devfn, p->cap + MSI_CONTROL, 2);
    unsigned int command = arch_pci_conf_read(p->bus, p->devfn, PCI_COMMAND, 2);

    if (on) {
        /* MSI replaces the pin: the function must not assert both. */
        arch_pci_conf_write(p->bus, p->devfn, PCI_COMMAND, 2,
                            command | PCI_COMMAND_INTX_DISABLE);
        control |= MSI_CONTROL_ENABLE;
    } else {
        control &= ~MSI_CONTROL_ENABLE;
    }
    arch_pci_conf_write(p->bus, p->devfn, p->cap + MSI_CONTROL, 2, control);
    if (!on) {
        msi_program(p, 0, 0); /* nothing aimed at a vector that may be reused */
        arch_pci_conf_write(p->bus, p->devfn, PCI_COMMAND, 2,
                            command & ~PCI_COMMAND_INTX_DISABLE);
    }
}

/* Whether a and b claim the same interrupt source: the same pin, or the
 * same function's MSI and anything of its MSI-X (never both at once), or
 * the same MSI-X entry. */
static bool same_source(const struct pirq *a, const struct pirq *b)
{
    if (a->pin || b->pin)
        return a->pin && b->pin && a->gsi == b->gsi;
    return a->bus == b->bus && a->devfn == b->devfn &&
           (!a->msix || !b->msix || a->entry == b->entry);
}

/* A free record for want: -HV_EBUSY if its source is bound already,
 * -HV_ENOSPC if none is free. */
static int pirq_slot(const struct pirq *want, unsigned int *pirq)
{
    bool found = false;

    for (unsigned int i = 0; i < PIRQ_MAX; i++) {
        if (pirqs[i].used && same_source(&pirqs[i], want))
            return -HV_EBUSY;
        if (!found && !pirqs[i].used) {
            *pirq = i;
            found = true;
        }
    }
    return found ? 0 : -HV_ENOSPC;
}

/* A host vector for an MSI or MSI-X pirq (its address and data) and the
 * event port of d's vcpu it becomes; neither is left behind on failure. */
static int msi_take(struct domain *d, unsigned int vcpu, unsigned int pirq, uint64_t *address,
                    uint32_t *data, unsigned int *port)
{
    int err = arch_msi_alloc(pirq, address, data);

    if (!err && (err = event_bind_pirq(d, vcpu, pirq, port)))
        arch_msi_free(pirq);
    return err;
}

int physdev_bind_msi(struct domain *d, uint64_t gpa)
{
    struct hv_physdev_bind_msi b;
    struct pirq *p;
    unsigned int pirq, cap, port;
    uint64_t address;
    uint32_t data;
    int err;

    if (copy_from_guest(d, &b, gpa, sizeof(b)) || copy_to_guest(d, gpa, &b, sizeof(b)))
        return -HV_EFAULT;
    if (b.segment || b.pad || b.vcpu >= d->max_vcpus || !d->vcpu[b.vcpu])
        return -HV_EINVAL;
    if (arch_pci_conf_read(b.bus, b.devfn, 0, 2) == 0xffff)
        return -HV_ENOENT; /* no such function */
    if (!(cap = find_cap(b.bus, b.devfn, PCI_CAP_MSI)))
        return -HV_ENOENT;
    if ((err = pirq_slot(&(struct pirq){.bus = b.bus, .devfn = b.devfn}, &pirq)) ||
        (err = msi_take(d, b.vcpu, pirq, &address, &data, &port)))
        return err;
    p = &pirqs[pirq];
    *p = (struct pirq){.used = true, .bus = b.bus, .devfn = b.devfn, .cap = (uint8_t)cap,
                       .domid = d->id, .port = port};
    msi_program(p, address, data);
    msi_enable(p, true);
    b.port = port;
    printk(LOG_DEBUG "hv: d%u: MSI of %02x:%02x.%u on port %u (pirq %u)\n", d->id, b.bus,
           b.devfn >> 3, b.devfn & 7, port, pirq);
    BUG_ON(copy_to_guest(d, gpa, &b, sizeof(b)));
    return 0;
}

/* The host-physical address of BAR bar of a function: 0 if it is an I/O
 * BAR, not assigned, or not there. */
static uint64_t bar_address(unsigned int bus, unsigned int devfn, unsigned int bar)
{
    uint32_t low = arch_pci_conf_read(bus, devfn, PCI_BAR_FIRST + 4 * bar, 4);
    uint64_t address = low & ~0xfull;

    if (low & PCI_BAR_IO)
        return 0;
    if ((low & PCI_BAR_TYPE_MASK) == PCI_BAR_TYPE_64) {
        if (bar == 5)
            return 0;
        address |= (uint64_t)arch_pci_conf_read(bus, devfn, PCI_BAR_FIRST + 4 * (bar + 1), 4)
                   << 32;
    }
    return address;
}

/* Whether host frames [first, last] are mapped as device memory anywhere. */
static bool mapped_anywhere(uint64_t first, uint64_t last)
{
    for (uint32_t id = 0; id < DOMAIN_MAX; id++) {
        struct domain *o = domain_lookup(id);

        for (uint64_t f = first; o && o->arch && f <= last; f++) {
            unsigned int perms;
            mfn_t mfn;

            if (!arch_p2m_lookup(o, _gfn(f), &mfn, &perms) && mfn_x(mfn) == f)
                return true;
        }
    }
    return false;
}

bool physdev_msix_table_overlaps(uint64_t first, uint64_t count)
{
    for (unsigned int i = 0; i < PIRQ_MAX; i++)
        if (pirqs[i].used && pirqs[i].msix && pirqs[i].table_first < first + count &&
            first <= pirqs[i].table_last)
            return true;
    return false;
}

static void msix_entry_write(const struct pirq *p, unsigned int field, uint32_t value)
{
    arch_msix_write(p->table_entry + field, value);
}

/* Mask and clear p's entry; with the function's last bound entry, MSI-X
 * goes off and INTx is allowed again. */
static void msix_release(struct pirq *p)
{
    unsigned int control, command;

    msix_entry_write(p, MSIX_ENTRY_CONTROL, MSIX_ENTRY_MASKED);
    msix_entry_write(p, MSIX_ENTRY_ADDRESS_LO, 0);
    msix_entry_write(p, MSIX_ENTRY_ADDRESS_HI, 0);
    msix_entry_write(p, MSIX_ENTRY_DATA, 0);
    for (unsigned int i = 0; i < PIRQ_MAX; i++)
        if (&pirqs[i] != p && pirqs[i].used && pirqs[i].msix && pirqs[i].bus == p->bus &&
            pirqs[i].devfn == p->devfn)
            return;
    control = arch_pci_conf_read(p->bus, p->devfn, p->cap + MSIX_CONTROL, 2);
    arch_pci_conf_write(p->bus, p->devfn, p->cap + MSIX_CONTROL, 2,
                        control & ~MSIX_CONTROL_ENABLE);
    command = arch_pci_conf_read(p->bus, p->devfn, PCI_COMMAND, 2);
    arch_pci_conf_write(p->bus, p->devfn, PCI_COMMAND, 2, command & ~PCI_COMMAND_INTX_DISABLE);
}

int physdev_bind_msix(struct domain *d, uint64_t gpa)
{
    struct hv_physdev_bind_msix b;
    struct pirq *p, to;
    unsigned int pirq, cap, control, size, table, port;
    uint64_t base, start, address;
    uint32_t data;
    int err;

    if (copy_from_guest(d, &b, gpa, sizeof(b)) || copy_to_guest(d, gpa, &b, sizeof(b)))
        return -HV_EFAULT;
    if (b.segment || b.pad || b.vcpu >= d->max_vcpus || !d->vcpu[b.vcpu])
        return -HV_EINVAL;
    if (arch_pci_conf_read(b.bus, b.devfn, 0, 2) == 0xffff)
        return -HV_ENOENT;
    if (!(cap = find_cap(b.bus, b.devfn, PCI_CAP_MSIX)))
        return -HV_ENOENT;
    control = arch_pci_conf_read(b.bus, b.devfn, cap + MSIX_CONTROL, 2);
    size = (control & MSIX_CONTROL_SIZE_MASK) + 1;
    table = arch_pci_conf_read(b.bus, b.devfn, cap + MSIX_TABLE, 4);
    if (b.entry >= size || (table & MSIX_TABLE_BIR_MASK) > 5)
        return -HV_EINVAL;
    base = bar_address(b.bus, b.devfn, table & MSIX_TABLE_BIR_MASK);
    if (!base)
        return -HV_EINVAL;
    start = base + (table & ~MSIX_TABLE_BIR_MASK);
    to = (struct pirq){.used = true, .msix = true, .bus = b.bus, .devfn = b.devfn,
                       .cap = (uint8_t)cap, .entry = b.entry, .domid = d->id,
                       .table_entry = start + (uint64_t)b.entry * MSIX_ENTRY_BYTES,
                       .table_first = start >> PAGE_SHIFT,
                       .table_last = (start + (uint64_t)size * MSIX_ENTRY_BYTES - 1) >> PAGE_SHIFT};
    if (start + (uint64_t)size * MSIX_ENTRY_BYTES > FOUR_GIB)
        return -HV_ERANGE;
    /* Where the hypervisor writes must be device memory, not RAM a
     * firmware bug (or a BAR left at 0) points into. */
    if (!arch_mmio_allowed(to.table_first, to.table_last - to.table_first + 1))
        return -HV_EINVAL;
    if (mapped_anywhere(to.table_first, to.table_last))
        return -HV_EBUSY;
    if ((err = pirq_slot(&to, &pirq)) || (err = msi_take(d, b.vcpu, pirq, &address, &data, &port)))
        return err;
    p = &pirqs[pirq];
    to.port = port;
    *p = to;
    msix_entry_write(p, MSIX_ENTRY_CONTROL, MSIX_ENTRY_MASKED);
    msix_entry_write(p, MSIX_ENTRY_ADDRESS_LO, (uint32_t)address);
    msix_entry_write(p, MSIX_ENTRY_ADDRESS_HI, (uint32_t)(address >> 32));
    msix_entry_write(p, MSIX_ENTRY_DATA, data);
    msix_entry_write(p, MSIX_ENTRY_CONTROL, 0);
    arch_pci_conf_write(b.bus, b.devfn, PCI_COMMAND, 2,
                        arch_pci_conf_read(b.bus, b.devfn, PCI_COMMAND, 2) |
                            PCI_COMMAND_INTX_DISABLE);
    arch_pci_conf_write(b.bus, b.devfn, cap + MSIX_CONTROL, 2,
                        (control | MSIX_CONTROL_ENABLE) & ~MSIX_CONTROL_FUNCTION_MASK);
    b.port = port;
    printk(LOG_DEBUG "hv: d%u: MSI-X entry %u of %02x:%02x.%u on port %u (pirq %u)\n", d->id,
           b.entry, b.bus, b.devfn >> 3, b.devfn & 7, port, pirq);
    BUG_ON(copy_to_guest(d, gpa, &b, sizeof(b)));
    return 0;
}

int physdev_bind_irq(struct domain *d, uint64_t gpa)
{
    struct hv_physdev_bind_irq b;
    unsigned int pirq, port;
    int err;

    if (copy_from_guest(d, &b, gpa, sizeof(b)) || copy_to_guest(d, gpa, &b, sizeof(b)))
        return -HV_EFAULT;
    if (b.pad || b.vcpu >= d->max_vcpus || !d->vcpu[b.vcpu])
        return -HV_EINVAL;
    if ((err = pirq_slot(&(struct pirq){.pin = true, .gsi = b.gsi}, &pirq)) ||
        (err = event_bind_pirq(d, b.vcpu, pirq, &port)))
        return err;
    /* Recorded before the pin is live: it may fire at once. */
    pirqs[pirq] = (struct pirq){.used = true, .pin = true, .gsi = b.gsi, .domid = d->id, .port = port};
    if ((err = arch_gsi_bind(pirq, b.gsi))) {
        /* Closing the port releases the record (physdev_pirq_closed());
         * the pin was never programmed, so unbinding it does nothing. */
        BUG_ON(event_close_pirq(d, port));
        return err;
    }
    b.port = port;
    printk(LOG_DEBUG "hv: d%u: GSI %u on port %u (pirq %u)\n", d->id, b.gsi, port, pirq);
    BUG_ON(copy_to_guest(d, gpa, &b, sizeof(b)));
    return 0;
}

int physdev_irq_eoi(struct domain *d, uint64_t port)
{
    for (unsigned int pirq = 0; pirq < PIRQ_MAX; pirq++) {
        if (pirqs[pirq].used && pirqs[pirq].domid == d->id && pirqs[pirq].port == port) {
            if (!pirqs[pirq].pin)
                return -HV_EINVAL; /* MSIs are edge-triggered: nothing to end */
            arch_gsi_unmask(pirq);
            return 0;
        }
    }
    return -HV_EINVAL;
}

void physdev_pirq_closed(struct domain *d, unsigned int pirq)
{
    struct pirq *p = pirq < PIRQ_MAX ? &pirqs[pirq] : NULL;

    if (!p || !p->used || p->domid != d->id) {
        ASSERT_UNREACHABLE();
        return;
    }
    if (p->pin) {
        arch_gsi_unbind(pirq);
    } else if (p->msix) {
        msix_release(p);
        arch_msi_free(pirq);
    } else {
        msi_enable(p, false);
        arch_msi_free(pirq);
    }
    p->used = false;
}

void physdev_irq(unsigned int pirq)
{
    struct domain *d;

    if (pirq >= PIRQ_MAX)
        return;
    hv_lock();
    if (pirqs[pirq].used && (d = domain_lookup(pirqs[pirq].domid)) != NULL && d->evtchn)
        event_send_pirq(d, pirqs[pirq].port, pirq);
    hv_unlock();
}
