/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical devices for the control domain (public/physdev.h is the guest's
 * side): I/O ports, device memory, PCI configuration space, device
 * interrupts as events, and DMA memory mapped 1:1. physdev.c holds the
 * hypercall and the per-domain records, physdev_msi.c the interrupts.
 *
 * Locking: everything runs under the hypervisor lock, which physdev_irq()
 * takes itself (it is called from an interrupt handler, and interrupts are
 * never enabled while that lock is held).
 */
#ifndef HV_PHYSDEV_H
#define HV_PHYSDEV_H

#include <hv/domain.h>

/* Forget what d was given (its I/O port record). Its device mappings go
 * with its p2m, its interrupt bindings with its event channels. */
void physdev_domain_destroy(struct domain *d);

/* A device interrupt arrived for pirq (from the architecture's handler). */
void physdev_irq(unsigned int pirq);

/* d's event channel port bound to pirq was closed (event.c): release the
 * binding and quiet its device. */
void physdev_pirq_closed(struct domain *d, unsigned int pirq);

/* The PCI part of physdev_op (physdev_msi.c). */
int physdev_pci_conf(struct domain *d, uint64_t gpa, bool write) __must_check;
int physdev_bind_msi(struct domain *d, uint64_t gpa) __must_check;
int physdev_bind_irq(struct domain *d, uint64_t gpa) __must_check;
int physdev_bind_msix(struct domain *d, uint64_t gpa) __must_check;
/* Whether host frames [first, first + count) hold a bound MSI-X table. */
bool physdev_msix_table_overlaps(uint64_t first, uint64_t count);
int physdev_irq_eoi(struct domain *d, uint64_t port) __must_check;

#endif
