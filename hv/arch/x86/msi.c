/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host vectors for device interrupts (asm/irq.h), and the messages that
 * aim an MSI at one: a vector per bound interrupt, at the boot CPU's local
 * APIC, fixed delivery. A vector's handler hands the interrupt to common
 * code (physdev_irq()), which turns it into an event; the local APIC's
 * EOI is trap_handler()'s. Without interrupt remapping, the message's
 * address and data decide where an interrupt goes, which is why only the
 * hypervisor ever writes them (physdev_msi.c refuses the guest's writes).
 *
 * Locking: allocation runs under the hypervisor lock; the table is read by
 * the interrupt handler, which takes that lock itself in physdev_irq().
 */
#include <asm/irq.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/physdev.h>
#include <public/errno.h>

#define DEVICE_VECTOR_FIRST 0x40
#define DEVICE_VECTOR_LAST 0xdf
#define MSI_ADDRESS_BASE 0xfee00000u
#define MSI_ADDRESS_DEST_SHIFT 12
#define NO_PIRQ UINT32_MAX

/* The pirq each vector serves, NO_PIRQ if free (0 before first use). */
static uint32_t vector_pirq[DEVICE_VECTOR_LAST + 1];
static bool ready;

static void device_interrupt(unsigned int vector)
{
    uint32_t pirq = __atomic_load_n(&vector_pirq[vector], __ATOMIC_ACQUIRE);

    if (pirq == NO_PIRQ)
        return;
    ioapic_interrupt(pirq);
    physdev_irq(pirq);
}

static void vectors_init(void)
{
    for (unsigned int v = DEVICE_VECTOR_FIRST; v <= DEVICE_VECTOR_LAST; v++) {
        vector_pirq[v] = NO_PIRQ;
        trap_set_irq_handler(v, device_interrupt);
    }
    ready = true;
}

int irq_vector_alloc(unsigned int pirq, uint8_t *vector)
{
    if (!ready)
        vectors_init();
    for (unsigned int v = DEVICE_VECTOR_FIRST; v <= DEVICE_VECTOR_LAST; v++) {
        if (vector_pirq[v] != NO_PIRQ)
            continue;
        __atomic_store_n(&vector_pirq[v], pirq, __ATOMIC_RELEASE);
        *vector = (uint8_t)v;
        return 0;
    }
    return -HV_ENOSPC;
}

void irq_vector_free(unsigned int pirq)
{
    if (!ready)
        return;
    for (unsigned int v = DEVICE_VECTOR_FIRST; v <= DEVICE_VECTOR_LAST; v++)
        if (vector_pirq[v] == pirq)
            __atomic_store_n(&vector_pirq[v], NO_PIRQ, __ATOMIC_RELEASE);
}

int arch_msi_alloc(unsigned int pirq, uint64_t *address, uint32_t *data)
{
    uint8_t vector;
    int err = irq_vector_alloc(pirq, &vector);

    if (err)
        return err;
    /* Physical destination mode, the boot CPU; fixed delivery, edge. */
    *address = MSI_ADDRESS_BASE | (uint64_t)percpu[0].apic_id << MSI_ADDRESS_DEST_SHIFT;
    *data = vector;
    return 0;
}

void arch_msi_free(unsigned int pirq)
{
    irq_vector_free(pirq);
}

void arch_msix_write(uint64_t address, uint32_t value)
{
    /* The low 4 GiB are identity-mapped, their device memory uncached. */
    BUG_ON(address >= (4ull << 30) || (address & 3));
    *(volatile uint32_t *)(uintptr_t)address = value;
}
