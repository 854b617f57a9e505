/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writes the seed corpus of the start-info reader's fuzzer
 * (tests/fuzz/corpus/start_info/): trees written by the builders' own
 * writer (hv/common/start_info_fdt.c) with a few vCPU counts, memory sizes
 * and command lines, one without /chosen, and one the reader rejects for
 * the part it checks last. `make fuzz-seeds` runs it.
 *
 *   gen_start_info_seeds CORPUS-DIR
 */
#include <hv/start_info_fdt.h>
#include <libfdt.h>
#include <public/hv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint8_t tree[START_INFO_FDT_SIZE];
static const char *dir;

#define FDT(call)                                                       \
    do {                                                                \
        if ((call) < 0) {                                               \
            fprintf(stderr, "gen_start_info_seeds: %s\n", #call);       \
            exit(1);                                                    \
        }                                                               \
    } while (0)

static void save(const char *name)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(tree, 1, fdt_totalsize(tree), f) != fdt_totalsize(tree) || fclose(f)) {
        perror(path);
        exit(1);
    }
}

/* A tree as both builders write it (hv/common/start_info_fdt.c). */
static void build(unsigned int nr_vcpus, uint64_t memory, const char *cmdline)
{
    FDT(start_info_fdt_write(tree, sizeof(tree), 1, memory, nr_vcpus, cmdline, NULL));
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_start_info_seeds CORPUS-DIR\n");
        return 2;
    }
    dir = argv[1];
    build(1, 64ull << 20, "hello.elf");
    save("one-vcpu");
    build(4, 256ull << 20, "app --flag=value one two three");
    save("four-vcpus");
    build(1, 64ull << 20, "");
    save("empty-cmdline");
    /* Without /chosen, which the reader takes as an empty command line. */
    build(2, HV_GUEST_MIN_MEMORY, "");
    FDT(fdt_del_node(tree, fdt_path_offset(tree, "/chosen")));
    FDT(fdt_pack(tree));
    save("no-chosen");
    /* Everything right but the last property the reader checks. */
    build(1, 64ull << 20, "x");
    FDT(fdt_setprop_inplace_u64(tree, fdt_path_offset(tree, "/hypervisor"), "console-ring",
                                HV_GUEST_CONSOLE_GPA + 4096));
    save("bad-console-ring");
    return 0;
}
