/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host vectors for device interrupts (msi.c) and the IOAPIC (ioapic.c).
 * A vector serves one pirq (common code's number for a bound device
 * interrupt); its handler masks a level-triggered pin, then hands the
 * interrupt to physdev_irq().
 */
#ifndef ASM_IRQ_H
#define ASM_IRQ_H

#include <hv/types.h>

/* Take a free vector for pirq. Returns 0 or -HV_ENOSPC. */
int irq_vector_alloc(unsigned int pirq, uint8_t *vector) __must_check;
void irq_vector_free(unsigned int pirq);

/* Mask the pin of pirq if it is a level-triggered IOAPIC binding: it stays
 * masked until the guest says it handled the device (arch_gsi_unmask). */
void ioapic_interrupt(unsigned int pirq);

/* Find the IOAPICs (from the MADT) and mask every pin. */
void ioapic_init(void);

#endif
