/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the boot loader told us, in one loader-neutral form: the command
 * line, the physical memory map and the boot modules. Strings are copied
 * out of the loader's memory, so only the modules' contents stay reserved.
 */
#ifndef ASM_BOOT_H
#define ASM_BOOT_H

#include <hv/types.h>

#define BOOT_MAX_REGIONS 64
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODULE_CMDLINE_MAX 256

#define BOOT_REGION_RAM 1

struct boot_region {
    uint64_t start, end; /* [start, end) */
    uint32_t type;       /* BOOT_REGION_RAM, or the loader's other types */
};

struct boot_module {
    uint64_t start, end;
    char cmdline[BOOT_MODULE_CMDLINE_MAX];
};

struct boot_info {
    const char *protocol; /* "multiboot1" or "multiboot2" */
    char loader[64];
    char cmdline[BOOT_CMDLINE_MAX];
    unsigned int nr_regions;
    struct boot_region regions[BOOT_MAX_REGIONS];
    unsigned int nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
    bool have_rsdp;   /* the loader gave a copy of the ACPI RSDP */
    uint8_t rsdp[36];
};

/* Fill *bi from the loader's magic and information structure. Returns 0 or
 * -HV_EINVAL (unknown magic, or no memory map). */
int multiboot_parse(uint32_t magic, uint64_t info, struct boot_info *bi) __must_check;

#endif
