/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Building a domain from a 64-bit ELF image, as public/start_info.h
 * describes: the image is checked completely before anything is allocated,
 * then memory is populated, the image loaded, the start-info tree written
 * and the boot vCPU set up. The domain is left paused for the caller.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/elf.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/start_info_fdt.h>
#include <public/hv.h>
#include <string.h>

static int elf_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct domain *d = ctx;

    return src ? copy_to_guest(d, gpa, src, len) : clear_guest(d, gpa, len);
}

/* The start-info device tree of public/start_info.h (start_info_fdt.c
 * writes it, for exod's builder too). */
static int build_start_info(struct domain *d, const char *cmdline, unsigned int nr_vcpus)
{
    void *fdt = heap_alloc_page();
    size_t len;
    int err;

    BUILD_BUG_ON(START_INFO_FDT_SIZE > PAGE_SIZE);
    if (!fdt)
        return -HV_ENOMEM;
    err = start_info_fdt_write(fdt, START_INFO_FDT_SIZE, d->id, d->memory_size, nr_vcpus,
                               cmdline, &len);
    if (!err)
        err = copy_to_guest(d, HV_GUEST_START_INFO_GPA, fdt, len);
    heap_free_page(fdt);
    return err;
}

int domain_create_from_elf(uint32_t id, const char *name, const void *image, size_t size,
                           uint64_t memory_size, unsigned int nr_vcpus, const char *cmdline,
                           struct domain **out, const char **why)
{
    struct elf_image img;
    struct domain *d;
    int err;

    *out = NULL;
    memory_size = ALIGN_UP(memory_size, HV_GUEST_MEMORY_ALIGN);
    if (memory_size < HV_GUEST_MIN_MEMORY) {
        *why = "less memory than the minimum of 4 MiB";
        return -HV_EINVAL;
    }
    /* Check the whole image before anything is allocated. */
    err = elf_check(image, size, HV_GUEST_IMAGE_MIN, memory_size, &img, why);
    if (err)
        return err;
    if (strlen(cmdline) >= START_INFO_FDT_CMDLINE_MAX) {
        *why = "command line too long";
        return -HV_E2BIG;
    }

    err = domain_create(id, name, memory_size, nr_vcpus, true, &d);
    if (err) {
        *why = err == -HV_ENOMEM ? "not enough free memory" : "the domain cannot be created";
        return err;
    }
    err = elf_load(&img, elf_write, d);
    *why = "loading the image failed";
    if (!err) {
        err = build_start_info(d, cmdline, nr_vcpus);
        *why = "building the start-info tree failed";
    }
    if (!err) {
        err = arch_domain_build_boot(d);
        *why = "building the boot page tables failed";
    }
    if (err) {
        domain_destroy(d);
        return err;
    }
    vcpu_set_entry(d->vcpu[0], img.entry, HV_GUEST_START_INFO_GPA);
    *out = d;
    *why = NULL;
    return 0;
}
