/* SPDX-License-Identifier: GPL-2.0-only */
/* ACPI, as far as finding the CPUs goes (acpi.c). */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <hv/types.h>

/* Note what must be read before paging_init() unmaps page 0. */
void acpi_early_init(void);

/* Fill apic_ids with the local APIC IDs of the usable CPUs the MADT lists
 * (at most max), from the RSDP at rsdp_hint or, if 0, one found in the
 * BIOS areas. Returns how many; 0 if ACPI gives no answer. */
unsigned int acpi_find_cpus(uint64_t rsdp_hint, uint32_t *apic_ids, unsigned int max);

/* What the same MADT says about interrupt routing (filled in by
 * acpi_find_cpus): the IOAPICs, and the ISA IRQs that arrive on another
 * GSI or with other than ISA polarity and trigger. */
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_IRQ_ACTIVE_LOW (1u << 0)
#define ACPI_IRQ_LEVEL (1u << 1)

struct acpi_ioapic {
    uint64_t address;
    uint32_t gsi_base;
};

struct acpi_override {
    uint8_t isa_irq;
    uint32_t gsi;
    unsigned int flags; /* ACPI_IRQ_* */
};

/* The PCI Express configuration windows (ECAM) the MCFG lists: the
 * hypervisor's alone, never device memory a domain may map. */
#define ACPI_MAX_ECAM 4

struct acpi_ecam {
    uint64_t start, end; /* [start, end) */
};

extern struct acpi_ecam acpi_ecam[ACPI_MAX_ECAM];
extern unsigned int acpi_nr_ecam;
extern struct acpi_ioapic acpi_ioapics[ACPI_MAX_IOAPICS];
extern unsigned int acpi_nr_ioapics;
extern struct acpi_override acpi_overrides[ACPI_MAX_OVERRIDES];
extern unsigned int acpi_nr_overrides;

#endif
