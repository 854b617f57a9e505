/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reads the multiboot1 (QEMU -kernel) and multiboot2 (GRUB) information
 * structures into a struct boot_info. Only the fields the hypervisor uses
 * are read: command line, loader name, memory map, modules.
 */
#include <asm/boot.h>
#include <hv/lib.h>
#include <public/errno.h>
#include <string.h>

#define MB1_BOOT_MAGIC 0x2badb002u
#define MB2_BOOT_MAGIC 0x36d76289u

#define MB1_INFO_CMDLINE (1u << 2)
#define MB1_INFO_MODS (1u << 3)
#define MB1_INFO_MMAP (1u << 6)
#define MB1_INFO_LOADER (1u << 9)

struct mb1_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __packed;

struct mb1_module {
    uint32_t start, end, string, reserved;
} __packed;

struct mb1_mmap {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
} __packed;

struct mb2_tag {
    uint32_t type, size;
} __packed;

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct mb2_module {
    struct mb2_tag tag;
    uint32_t start, end;
    char string[];
} __packed;

struct mb2_mmap {
    struct mb2_tag tag;
    uint32_t entry_size, entry_version;
} __packed;

struct mb2_mmap_entry {
    uint64_t addr, len;
    uint32_t type, reserved;
} __packed;

static void copy_string(char *dst, size_t size, const char *src)
{
    size_t n = strnlen(src, size - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void add_region(struct boot_info *bi, uint64_t addr, uint64_t len, uint32_t type)
{
    if (bi->nr_regions == BOOT_MAX_REGIONS) {
        printk(LOG_WARN "hv: memory map too long, ignoring [%#lx, %#lx)\n", addr, addr + len);
        return;
    }
    bi->regions[bi->nr_regions++] = (struct boot_region){addr, addr + len, type};
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, const char *cmdline)
{
    struct boot_module *m;

    if (bi->nr_modules == BOOT_MAX_MODULES) {
        printk(LOG_WARN "hv: more than %d boot modules, ignoring '%s'\n", BOOT_MAX_MODULES,
               cmdline);
        return;
    }
    m = &bi->modules[bi->nr_modules++];
    m->start = start;
    m->end = end;
    copy_string(m->cmdline, sizeof(m->cmdline), cmdline ? cmdline : "");
}

static int parse_mb1(const struct mb1_info *mi, struct boot_info *bi)
{
    bi->protocol = "multiboot1";
    if (mi->flags & MB1_INFO_CMDLINE)
        copy_string(bi->cmdline, sizeof(bi->cmdline), (const char *)(uintptr_t)mi->cmdline);
    if (mi->flags & MB1_INFO_LOADER)
        copy_string(bi->loader, sizeof(bi->loader),
                    (const char *)(uintptr_t)mi->boot_loader_name);
    if (mi->flags & MB1_INFO_MODS) {
        const struct mb1_module *mod = (const void *)(uintptr_t)mi->mods_addr;

        for (uint32_t i = 0; i < mi->mods_count; i++)
            add_module(bi, mod[i].start, mod[i].end, (const char *)(uintptr_t)mod[i].string);
    }
    if (!(mi->flags & MB1_INFO_MMAP))
        return -HV_EINVAL;
    for (uint32_t off = 0; off + sizeof(struct mb1_mmap) <= mi->mmap_length;) {
        const struct mb1_mmap *e = (const void *)(uintptr_t)(mi->mmap_addr + off);

        add_region(bi, e->addr, e->len, e->type);
        off += e->size + 4;
    }
    return 0;
}

static int parse_mb2(const uint8_t *info, struct boot_info *bi)
{
    uint32_t total = *(const uint32_t *)info;
    bool have_mmap = false;

    bi->protocol = "multiboot2";
    for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
        const struct mb2_tag *tag = (const void *)(info + off);

        if (tag->type == MB2_TAG_END)
            break;
        switch (tag->type) {
        case MB2_TAG_CMDLINE:
            copy_string(bi->cmdline, sizeof(bi->cmdline), (const char *)(tag + 1));
            break;
        case MB2_TAG_LOADER:
            copy_string(bi->loader, sizeof(bi->loader), (const char *)(tag + 1));
            break;
        case MB2_TAG_MODULE: {
            const struct mb2_module *m = (const void *)tag;

            add_module(bi, m->start, m->end, m->string);
            break;
        }
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW: {
            /* Copied: the loader's memory becomes free memory soon. */
            size_t n = MIN((size_t)(tag->size - sizeof(*tag)), sizeof(bi->rsdp));

            memcpy(bi->rsdp, tag + 1, n);
            bi->have_rsdp = true;
            break;
        }
        case MB2_TAG_MMAP: {
            const struct mb2_mmap *mm = (const void *)tag;

            for (uint32_t e = sizeof(*mm); e + sizeof(struct mb2_mmap_entry) <= tag->size;
                 e += mm->entry_size) {
                const struct mb2_mmap_entry *me = (const void *)((const uint8_t *)tag + e);

                add_region(bi, me->addr, me->len, me->type);
            }
            have_mmap = true;
            break;
        }
        }
        off += ALIGN_UP(tag->size, 8u);
    }
    return have_mmap ? 0 : -HV_EINVAL;
}

int multiboot_parse(uint32_t magic, uint64_t info, struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    if (magic == MB1_BOOT_MAGIC)
        return parse_mb1((const struct mb1_info *)(uintptr_t)info, bi);
    if (magic == MB2_BOOT_MAGIC)
        return parse_mb2((const uint8_t *)(uintptr_t)info, bi);
    bi->protocol = "unknown";
    return -HV_EINVAL;
}
