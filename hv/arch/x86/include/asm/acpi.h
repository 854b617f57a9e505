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

#endif
