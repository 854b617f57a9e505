/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writes the seed corpus of the start-info reader's fuzzer
 * (tests/fuzz/corpus/start_info/): trees laid out as the hypervisor's
 * builder writes them (hv/common/domain_build.c, public/start_info.h),
 * with a few vCPU counts, memory sizes and command lines, and one the
 * reader rejects for each part it checks last. `make fuzz-seeds` runs it.
 *
 *   gen_start_info_seeds CORPUS-DIR
 */
#include <libfdt.h>
#include <public/hv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint8_t tree[4096];
static const char *dir;

#define FDT(call)                                                       \
    do {                                                                \
        if ((call) < 0) {                                               \
            fprintf(stderr, "gen_start_info_seeds: %s\n", #call);       \
            exit(1);                                                    \
        }                                                               \
    } while (0)

static void build(const char *name, unsigned int nr_vcpus, uint64_t memory, const char *cmdline,
                  uint64_t console_ring)
{
    uint64_t reg[2] = {cpu_to_fdt64(0), cpu_to_fdt64(memory)};
    char path[512];
    FILE *f;

    FDT(fdt_create(tree, sizeof(tree)));
    FDT(fdt_finish_reservemap(tree));
    FDT(fdt_begin_node(tree, ""));
    FDT(fdt_property_string(tree, "compatible", HV_START_INFO_COMPATIBLE));
    FDT(fdt_property_u32(tree, "#address-cells", 2));
    FDT(fdt_property_u32(tree, "#size-cells", 2));
    FDT(fdt_property_u32(tree, "exovisor,abi-version", HV_ABI_VERSION));
    FDT(fdt_property_u32(tree, "exovisor,domain-id", 1));
    if (cmdline) {
        FDT(fdt_begin_node(tree, "chosen"));
        FDT(fdt_property_string(tree, "bootargs", cmdline));
        FDT(fdt_end_node(tree));
    }
    FDT(fdt_begin_node(tree, "memory@0"));
    FDT(fdt_property_string(tree, "device_type", "memory"));
    FDT(fdt_property(tree, "reg", reg, sizeof(reg)));
    FDT(fdt_end_node(tree));
    FDT(fdt_begin_node(tree, "cpus"));
    FDT(fdt_property_u32(tree, "#address-cells", 1));
    FDT(fdt_property_u32(tree, "#size-cells", 0));
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        char node[16];

        snprintf(node, sizeof(node), "cpu@%u", i);
        FDT(fdt_begin_node(tree, node));
        FDT(fdt_property_string(tree, "device_type", "cpu"));
        FDT(fdt_property_u32(tree, "reg", i));
        FDT(fdt_end_node(tree));
    }
    FDT(fdt_end_node(tree));
    FDT(fdt_begin_node(tree, "hypervisor"));
    FDT(fdt_property_string(tree, "compatible", "exovisor"));
    FDT(fdt_property_u64(tree, "shared-info", HV_GUEST_SHARED_INFO_GPA));
    FDT(fdt_property_u64(tree, "console-ring", console_ring));
    FDT(fdt_end_node(tree));
    FDT(fdt_end_node(tree));
    FDT(fdt_finish(tree));

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(tree, 1, fdt_totalsize(tree), f) != fdt_totalsize(tree) || fclose(f)) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_start_info_seeds CORPUS-DIR\n");
        return 2;
    }
    dir = argv[1];
    build("one-vcpu", 1, 64ull << 20, "hello.elf", HV_GUEST_CONSOLE_GPA);
    build("four-vcpus", 4, 256ull << 20, "app --flag=value one two three", HV_GUEST_CONSOLE_GPA);
    build("no-chosen", 2, HV_GUEST_MIN_MEMORY, NULL, HV_GUEST_CONSOLE_GPA);
    build("empty-cmdline", 1, 64ull << 20, "", HV_GUEST_CONSOLE_GPA);
    /* Everything right but the last property the reader checks. */
    build("bad-console-ring", 1, 64ull << 20, "x", HV_GUEST_CONSOLE_GPA + 4096);
    return 0;
}
