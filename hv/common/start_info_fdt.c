/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The start-info device tree of public/start_info.h, the one writer both
 * builders use (hv/start_info_fdt.h). Every libfdt call is checked; the
 * first failure means the buffer was too small, and nothing else can fail.
 */
#include <hv/start_info_fdt.h>
#include <libfdt.h>
#include <public/hv.h>

/* "cpu@N" without a formatter: library-OS code has snprintf, the
 * hypervisor its own, and this file serves both. */
static void cpu_node_name(char *out, unsigned int i)
{
    char digits[10];
    unsigned int n = 0;

    do {
        digits[n++] = (char)('0' + i % 10);
        i /= 10;
    } while (i);
    *out++ = 'c', *out++ = 'p', *out++ = 'u', *out++ = '@';
    while (n)
        *out++ = digits[--n];
    *out = '\0';
}

int start_info_fdt_write(void *fdt, size_t size, uint32_t domid, uint64_t memory_size,
                         unsigned int nr_vcpus, const char *cmdline, size_t *len)
{
    uint64_t reg[2] = {cpu_to_fdt64(0), cpu_to_fdt64(memory_size)};
    int err = 0;

    if (size > INT32_MAX)
        size = INT32_MAX;
#define FDT(call) do { if (!err && (call) < 0) err = -HV_E2BIG; } while (0)
    FDT(fdt_create(fdt, (int)size));
    FDT(fdt_finish_reservemap(fdt));
    FDT(fdt_begin_node(fdt, ""));
    FDT(fdt_property_string(fdt, "compatible", HV_START_INFO_COMPATIBLE));
    FDT(fdt_property_u32(fdt, "#address-cells", 2));
    FDT(fdt_property_u32(fdt, "#size-cells", 2));
    FDT(fdt_property_u32(fdt, "exovisor,abi-version", HV_ABI_VERSION));
    FDT(fdt_property_u32(fdt, "exovisor,domain-id", domid));
    FDT(fdt_begin_node(fdt, "chosen"));
    FDT(fdt_property_string(fdt, "bootargs", cmdline));
    FDT(fdt_end_node(fdt));
    FDT(fdt_begin_node(fdt, "memory@0"));
    FDT(fdt_property_string(fdt, "device_type", "memory"));
    FDT(fdt_property(fdt, "reg", reg, sizeof(reg)));
    FDT(fdt_end_node(fdt));
    FDT(fdt_begin_node(fdt, "cpus"));
    FDT(fdt_property_u32(fdt, "#address-cells", 1));
    FDT(fdt_property_u32(fdt, "#size-cells", 0));
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        char node[16];

        cpu_node_name(node, i);
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
    if (!err && len)
        *len = fdt_totalsize(fdt);
    return err;
}
