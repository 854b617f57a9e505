/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI configuration space through the legacy mechanism #1 (ports 0xcf8 and
 * 0xcfc-0xcff), which the hypervisor keeps to itself: the address register
 * is shared by every access, so a guest holding those ports could race the
 * hypervisor's own accesses. Every access runs under the hypervisor lock,
 * which makes the address-then-data pair atomic.
 */
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/lib.h>

#define PCI_CONF_ADDRESS 0xcf8
#define PCI_CONF_DATA 0xcfc
#define PCI_CONF_ENABLE (1u << 31)

static void select_register(unsigned int bus, unsigned int devfn, unsigned int reg)
{
    outl(PCI_CONF_ADDRESS, PCI_CONF_ENABLE | (bus & 0xff) << 16 | (devfn & 0xff) << 8 | (reg & 0xfc));
}

uint32_t arch_pci_conf_read(unsigned int bus, unsigned int devfn, unsigned int reg,
                            unsigned int size)
{
    uint16_t port = (uint16_t)(PCI_CONF_DATA + (reg & 3));

    select_register(bus, devfn, reg);
    switch (size) {
    case 1:
        return inb(port);
    case 2:
        return inw(port);
    default:
        return inl(PCI_CONF_DATA);
    }
}

void arch_pci_conf_write(unsigned int bus, unsigned int devfn, unsigned int reg,
                         unsigned int size, uint32_t value)
{
    uint16_t port = (uint16_t)(PCI_CONF_DATA + (reg & 3));

    select_register(bus, devfn, reg);
    switch (size) {
    case 1:
        outb(port, (uint8_t)value);
        break;
    case 2:
        outw(port, (uint16_t)value);
        break;
    default:
        outl(PCI_CONF_DATA, value);
        break;
    }
}
