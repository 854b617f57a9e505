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
#include <libfdt.h>
#include <public/hv.h>
#include <string.h>

static int elf_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct domain *d = ctx;

    return src ? copy_to_guest(d, gpa, src, len) : clear_guest(d, gpa, len);
}

/* The start-info device tree of public/start_info.h. */
static int build_start_info(struct domain *d, const char *cmdline, unsigned int nr_vcpus)
{
    void *fdt = heap_alloc_page();
    int err = 0;
    uint64_t reg[2] = {0, d->memory_size};

    if (!fdt)
        return -HV_ENOMEM;
#define FDT(call) do { if (!err && (call) < 0) err = -HV_E2BIG; } while (0)
    FDT(fdt_create(fdt, PAGE_SIZE));
    FDT(fdt_finish_reservemap(fdt));
    FDT(fdt_begin_node(fdt, ""));
    FDT(fdt_property_string(fdt, "compatible", HV_START_INFO_COMPATIBLE));
    FDT(fdt_property_u32(fdt, "#address-cells", 2));
    FDT(fdt_property_u32(fdt, "#size-cells", 2));
    FDT(fdt_property_u32(fdt, "exovisor,abi-version", HV_ABI_VERSION));
    FDT(fdt_property_u32(fdt, "exovisor,domain-id", d->id));
    FDT(fdt_begin_node(fdt, "chosen"));
    FDT(fdt_property_string(fdt, "bootargs", cmdline));
    FDT(fdt_end_node(fdt));
    FDT(fdt_begin_node(fdt, "memory@0"));
    FDT(fdt_property_string(fdt, "device_type", "memory"));
    reg[0] = cpu_to_fdt64(reg[0]);
    reg[1] = cpu_to_fdt64(reg[1]);
    FDT(fdt_property(fdt, "reg", reg, sizeof(reg)));
    FDT(fdt_end_node(fdt));
    FDT(fdt_begin_node(fdt, "cpus"));
    FDT(fdt_property_u32(fdt, "#address-cells", 1));
    FDT(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        char node[16];

        snprintf(node, sizeof(node), "cpu@%u", i);
        FDT(fdt_begin_node(fdt, node));
        FDT(fdt_property_string(fdt, "device_type", "cpu"));
        FDT(fdt_property_u32(fdt, "reg", i));
        FDT(fdt_end_node(fdt));
    }
    FDT(fdt_end_node(fdt));
    FDT(fdt_begin_node(fdt, "hypervisor"));
    FDT(fdt_property_string(fdt, "compatible", "exovisor"));
    FDT(fdt_property_u64(fdt, "shared-info", HV_GUEST_SHARED_INFO_GPA));
    FDT(fdt_property_u64(fdt, "console-ring", HV_GUEST_CONSOLE_GPA));
    FDT(fdt_end_node(fdt));
    FDT(fdt_end_node(fdt));
    FDT(fdt_finish(fdt));
#undef FDT
    if (!err)
        err = copy_to_guest(d, HV_GUEST_START_INFO_GPA, fdt, fdt_totalsize(fdt));
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
    if (strlen(cmdline) >= PAGE_SIZE / 2) {
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
