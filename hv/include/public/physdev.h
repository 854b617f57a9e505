/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Physical devices for the control domain: physdev_op(cmd, arg), where arg
 * is the guest-physical address of the command's struct. Only the control
 * domain may use it; everyone else gets -HV_EPERM for every command. The
 * hypervisor never emulates an instruction for a device: a domain reaches
 * what it was given directly (I/O ports through the I/O permission bitmap,
 * MMIO through its p2m), and everything it shares with the hypervisor (PCI
 * configuration space, interrupts) through these commands.
 *
 * Every struct is copied in once and checked completely before anything
 * happens; OUT fields are written back only on success.
 */
#ifndef HV_PUBLIC_PHYSDEV_H
#define HV_PUBLIC_PHYSDEV_H

#include <stdint.h>

#define HV_PHYSDEV_ioport_permission 0 /* struct hv_physdev_ioport */
#define HV_PHYSDEV_iomem_map 1         /* struct hv_physdev_iomem */
#define HV_PHYSDEV_iomem_unmap 2       /* struct hv_physdev_iomem */
#define HV_PHYSDEV_pci_conf_read 3     /* struct hv_physdev_pci_conf */
#define HV_PHYSDEV_pci_conf_write 4    /* struct hv_physdev_pci_conf */
#define HV_PHYSDEV_bind_msi 5          /* struct hv_physdev_bind_msi */
#define HV_PHYSDEV_unbind 6            /* arg = the event-channel port of a binding */
#define HV_PHYSDEV_dma_alloc 7         /* struct hv_physdev_dma */
#define HV_PHYSDEV_bind_irq 8          /* struct hv_physdev_bind_irq */
#define HV_PHYSDEV_irq_eoi 9           /* arg = the event-channel port of a bind_irq */
#define HV_PHYSDEV_bind_msix 10        /* struct hv_physdev_bind_msix */

/*
 * ioport_permission: give (allow = 1) or take back (allow = 0) the I/O
 * ports [first, first + count) of domain domid. A domain accesses its ports
 * with in/out directly; any other port raises #GP in it. Ports the
 * hypervisor drives itself (the PICs, the PIT, the RTC, COM1, the PCI
 * configuration ports 0xcf8-0xcff, the ACPI PM block, the debug-exit and
 * emulator shutdown ports) are never given: -HV_EPERM. -HV_EINVAL for
 * count 0, a range past 0xffff or allow not 0 or 1; -HV_ENOSPC if the
 * domain holds too many separate ranges (HV_PHYSDEV_IOPORT_RANGES).
 */
#define HV_PHYSDEV_IOPORT_RANGES 32u

struct hv_physdev_ioport {
    uint32_t domid; /* IN */
    uint32_t first; /* IN: first port */
    uint32_t count; /* IN: number of ports */
    uint32_t allow; /* IN: 1 give, 0 take back */
};
_Static_assert(sizeof(struct hv_physdev_ioport) == 16, "physdev ioport layout");

/*
 * iomem_map: map the device memory (MMIO) frames [frame, frame + count)
 * into domain domid at the same guest-physical address (guest frame =
 * host frame), readable and writable, uncached, never executable.
 * Refused with -HV_EPERM: RAM or anything the firmware's memory map
 * describes, the PCI configuration windows the ACPI MCFG lists, the table
 * of an MSI-X entry that is bound (bind_msix), the first megabyte, the IOAPIC, HPET and local APIC pages
 * (0xfec00000-0xfeffffff), addresses past the machine's physical address
 * width. -HV_EEXIST if any of the frames is mapped in the domain already
 * (its RAM, say): nothing is mapped then. At most HV_PHYSDEV_IOMEM_MAX
 * frames per call (-HV_E2BIG).
 * iomem_unmap: remove such a mapping; every frame of the range must be
 * device memory mapped with iomem_map (-HV_EINVAL otherwise, nothing
 * removed). Device memory is never the domain's own: memory_op release,
 * grants and hypercall buffers refuse it.
 */
#define HV_PHYSDEV_IOMEM_MAX 4096u

struct hv_physdev_iomem {
    uint32_t domid; /* IN */
    uint32_t pad;   /* IN: 0 */
    uint64_t frame; /* IN: first host (and guest) frame number */
    uint64_t count; /* IN: frames */
};
_Static_assert(sizeof(struct hv_physdev_iomem) == 24, "physdev iomem layout");

/*
 * pci_conf_read / pci_conf_write: the hypervisor reads or writes the PCI
 * configuration space register reg (size 1, 2 or 4 bytes, aligned to its
 * size, below 256) of function bus:devfn of segment 0 for the caller. A
 * function that does not exist reads as all ones. Writes that would let a
 * device reach the hypervisor's interrupts or move its memory are refused
 * with -HV_EPERM: the base address registers, a bridge's forwarding
 * windows and the expansion ROM (0x10-0x2f except a bridge's bus numbers
 * 0x18-0x1a, 0x30-0x33, 0x38-0x3b: the firmware placed them) and the MSI
 * and MSI-X capabilities
 * (the hypervisor programs them, see bind_msi). -HV_EINVAL for a bad size,
 * alignment, register or segment.
 */
struct hv_physdev_pci_conf {
    uint16_t segment; /* IN: 0 */
    uint8_t bus;      /* IN */
    uint8_t devfn;    /* IN: device << 3 | function */
    uint16_t reg;     /* IN: register offset */
    uint8_t size;     /* IN: 1, 2 or 4 */
    uint8_t pad;      /* IN: 0 */
    uint32_t value;   /* IN (write) or OUT (read) */
    uint32_t pad2;    /* IN: 0 */
};
_Static_assert(sizeof(struct hv_physdev_pci_conf) == 16, "physdev pci_conf layout");

/*
 * bind_msi: the hypervisor takes a host interrupt vector, programs the
 * function's MSI capability (one message, its address and data aimed at the
 * hypervisor), enables MSI and turns the function's legacy INTx off; each
 * message the device sends then arrives as an event on a new event-channel
 * port of the caller (state HV_EVTCHN_STATE_pirq), notifying vCPU vcpu.
 * Mask and unmask the port as any other. -HV_ENOENT if the function has no
 * MSI capability, -HV_EBUSY if its MSI is bound already, -HV_ENOSPC when
 * the hypervisor has no vector left.
 * unbind (arg = that port): disable MSI on the function, free the vector
 * and the port. Closing the port with evtchn_op does the same.
 */
struct hv_physdev_bind_msi {
    uint16_t segment; /* IN: 0 */
    uint8_t bus;      /* IN */
    uint8_t devfn;    /* IN */
    uint32_t vcpu;    /* IN: the vCPU to notify */
    uint32_t port;    /* OUT: the event-channel port */
    uint32_t pad;     /* IN: 0 */
};
_Static_assert(sizeof(struct hv_physdev_bind_msi) == 16, "physdev bind_msi layout");

/*
 * bind_msix: the same for entry entry of the function's MSI-X table: the
 * hypervisor writes the entry's address and data and unmasks it, enables
 * MSI-X (clearing the function mask) and turns INTx off. The table (in a
 * memory BAR below 4 GiB) must not be mapped in any domain (-HV_EBUSY);
 * while an entry is bound, iomem_map refuses the table's frames.
 * -HV_ENOENT (no such function or no MSI-X capability), -HV_EINVAL (entry
 * past the table, or the BAR is not an assigned memory BAR), -HV_ERANGE
 * (the table is above 4 GiB), -HV_EBUSY (the entry is bound already).
 * unbind masks the entry and clears it, and disables MSI-X with the
 * function's last bound entry.
 */
struct hv_physdev_bind_msix {
    uint16_t segment; /* IN: 0 */
    uint8_t bus;      /* IN */
    uint8_t devfn;    /* IN */
    uint16_t entry;   /* IN: table entry */
    uint16_t pad;     /* IN: 0 */
    uint32_t vcpu;    /* IN: the vCPU to notify */
    uint32_t port;    /* OUT: the event-channel port */
};
_Static_assert(sizeof(struct hv_physdev_bind_msix) == 16, "physdev bind_msix layout");

/*
 * bind_irq: a device interrupt on an IOAPIC pin (legacy INTx, an ISA IRQ),
 * named by its GSI (the control domain finds a PCI function's GSI in the
 * ACPI _PRT; an ISA IRQ's is its number unless the MADT overrides it). The
 * hypervisor programs the pin with a host vector, with the trigger and
 * polarity of its bus (GSI 16 and up: level, active low; below: ISA's
 * edge, active high, or what the MADT override says), and each interrupt
 * arrives as an event on a new port (state HV_EVTCHN_STATE_pirq). A
 * level-triggered pin is masked when it fires and stays masked until the
 * control domain has quieted the device and calls irq_eoi with the port.
 * -HV_ENOENT if no IOAPIC has that GSI, -HV_EPERM for the hypervisor's own
 * (the PIT, COM1, the RTC), -HV_EBUSY if it is bound already. unbind (or
 * closing the port) masks the pin again.
 */
struct hv_physdev_bind_irq {
    uint32_t gsi;  /* IN */
    uint32_t vcpu; /* IN: the vCPU to notify */
    uint32_t port; /* OUT: the event-channel port */
    uint32_t pad;  /* IN: 0 */
};
_Static_assert(sizeof(struct hv_physdev_bind_irq) == 16, "physdev bind_irq layout");

/*
 * dma_alloc: size bytes (a power of two, 4 KiB to HV_PHYSDEV_DMA_MAX) of
 * physically contiguous memory, zeroed, mapped into the caller at
 * guest-physical = host-physical: address is both, aligned to size, so a
 * device can be given it for DMA. The frames are the caller's own memory
 * (they count against its maximum, and it may release them with memory_op
 * release, one frame at a time); they sit outside its normal RAM, where no
 * other domain's memory is ever mapped 1:1. -HV_ENOMEM if no such block is
 * free (or none lies clear of the caller's memory map).
 */
#define HV_PHYSDEV_DMA_MAX (2u << 20)

struct hv_physdev_dma {
    uint64_t size;    /* IN: bytes */
    uint64_t address; /* OUT: host- and guest-physical address */
};
_Static_assert(sizeof(struct hv_physdev_dma) == 16, "physdev dma layout");

#endif
