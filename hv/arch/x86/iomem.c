/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which host frames are device memory a domain may map (physdev.c): those
 * the firmware's memory map says nothing about (RAM, reserved, ACPI and the
 * PCI configuration window it lists are all refused), above the first
 * megabyte, outside the hypervisor's interrupt and timer devices, and
 * within the physical address width.
 */
#include <asm/acpi.h>
#include <asm/boot.h>
#include <asm/setup.h>
#include <asm/x86.h>
#include <hv/arch.h>
#include <hv/lib.h>

#define LOW_MEMORY_END (1ull << 20)
/* IOAPIC (0xfec00000), HPET (0xfed00000), local APIC (0xfee00000) and the
 * firmware's flash above them. */
#define INTERRUPT_DEVICES_START 0xfec00000ull
#define INTERRUPT_DEVICES_END 0x100000000ull

static struct boot_region regions[BOOT_MAX_REGIONS];
static unsigned int nr_regions;
static uint64_t address_limit;

void iomem_init(const struct boot_info *bi)
{
    unsigned int bits = 36;

    nr_regions = MIN(bi->nr_regions, (unsigned int)BOOT_MAX_REGIONS);
    for (unsigned int i = 0; i < nr_regions; i++)
        regions[i] = bi->regions[i];
    if (cpuid(0x80000000, 0).eax >= 0x80000008)
        bits = cpuid(0x80000008, 0).eax & 0xff;
    address_limit = 1ull << MIN(bits, 52u);
}

bool arch_mmio_allowed(uint64_t first, uint64_t count)
{
    uint64_t start = first << PAGE_SHIFT, end;

    if (!count || first >= address_limit >> PAGE_SHIFT ||
        count > (address_limit >> PAGE_SHIFT) - first)
        return false;
    end = (first + count) << PAGE_SHIFT;
    if (start < LOW_MEMORY_END)
        return false;
    if (start < INTERRUPT_DEVICES_END && INTERRUPT_DEVICES_START < end)
        return false;
    for (unsigned int i = 0; i < nr_regions; i++)
        if (start < regions[i].end && regions[i].start < end)
            return false;
    for (unsigned int i = 0; i < acpi_nr_ecam; i++)
        if (start < acpi_ecam[i].end && acpi_ecam[i].start < end)
            return false;
    return true;
}
