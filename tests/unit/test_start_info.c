/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The library OS's start-info reader on the host: the tree the hypervisor
 * builds is accepted, and every way a tree can be wrong -- a broken
 * structure, a missing or mis-sized property, a value outside the ABI --
 * is rejected with a message naming the problem. Every single-byte
 * corruption of a good tree is parsed without a fault (ASan watches).
 */
#include "unit.h"

#include "../../guest-libos/kernel/start_info.h"

#include <hv/start_info_fdt.h>
#include <libfdt.h>
#include <public/hv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TREE_SIZE 4096

struct tree_options {
    const char *compatible;
    int abi_version;          /* -1: leave the property out */
    int domain_id;            /* -1: leave it out */
    uint64_t memory_base, memory_size;
    int memory_reg_len;       /* bytes of reg: 16 is right */
    unsigned int nr_cpus;
    int swap_cpus;            /* number cpu@0 and cpu@1 the wrong way round */
    uint64_t shared_info;
    int no_hypervisor;
    const char *bootargs;     /* NULL: no /chosen */
    int bootargs_len;         /* 0: strlen + 1 */
};

static const struct tree_options good = {
    .compatible = HV_START_INFO_COMPATIBLE,
    .abi_version = HV_ABI_VERSION,
    .domain_id = 3,
    .memory_base = 0,
    .memory_size = 64ull << 20,
    .memory_reg_len = 16,
    .nr_cpus = 2,
    .shared_info = HV_GUEST_SHARED_INFO_GPA,
    .bootargs = "app one two",
};

static uint8_t tree[TREE_SIZE];

/* A tree as domain_build.c writes it, varied by o. */
static void build(const struct tree_options *o)
{
    fdt64_t reg[2] = {cpu_to_fdt64(o->memory_base), cpu_to_fdt64(o->memory_size)};

    memset(tree, 0, sizeof(tree));
    assert_int_equal(fdt_create(tree, sizeof(tree)), 0);
    assert_int_equal(fdt_finish_reservemap(tree), 0);
    assert_int_equal(fdt_begin_node(tree, ""), 0);
    assert_int_equal(fdt_property_string(tree, "compatible", o->compatible), 0);
    assert_int_equal(fdt_property_u32(tree, "#address-cells", 2), 0);
    assert_int_equal(fdt_property_u32(tree, "#size-cells", 2), 0);
    if (o->abi_version >= 0)
        assert_int_equal(fdt_property_u32(tree, "exovisor,abi-version", (uint32_t)o->abi_version), 0);
    if (o->domain_id >= 0)
        assert_int_equal(fdt_property_u32(tree, "exovisor,domain-id", (uint32_t)o->domain_id), 0);
    if (o->bootargs) {
        int len = o->bootargs_len ? o->bootargs_len : (int)strlen(o->bootargs) + 1;

        assert_int_equal(fdt_begin_node(tree, "chosen"), 0);
        assert_int_equal(fdt_property(tree, "bootargs", o->bootargs, len), 0);
        assert_int_equal(fdt_end_node(tree), 0);
    }
    assert_int_equal(fdt_begin_node(tree, "memory@0"), 0);
    assert_int_equal(fdt_property(tree, "reg", reg, o->memory_reg_len), 0);
    assert_int_equal(fdt_end_node(tree), 0);
    assert_int_equal(fdt_begin_node(tree, "cpus"), 0);
    for (unsigned int i = 0; i < o->nr_cpus; i++) {
        char name[16];
        unsigned int id = o->swap_cpus && i < 2 ? 1 - i : i;

        snprintf(name, sizeof(name), "cpu@%u", id);
        assert_int_equal(fdt_begin_node(tree, name), 0);
        assert_int_equal(fdt_property_u32(tree, "reg", id), 0);
        assert_int_equal(fdt_end_node(tree), 0);
    }
    assert_int_equal(fdt_end_node(tree), 0);
    if (!o->no_hypervisor) {
        assert_int_equal(fdt_begin_node(tree, "hypervisor"), 0);
        assert_int_equal(fdt_property_u64(tree, "shared-info", o->shared_info), 0);
        assert_int_equal(fdt_property_u64(tree, "console-ring", HV_GUEST_CONSOLE_GPA), 0);
        assert_int_equal(fdt_end_node(tree), 0);
    }
    assert_int_equal(fdt_end_node(tree), 0);
    assert_int_equal(fdt_finish(tree), 0);
}

/* Parse the tree built from o; return the error (NULL if accepted). */
static const char *parse_with(const struct tree_options *o, struct start_info *si)
{
    build(o);
    return start_info_parse(tree, sizeof(tree), si);
}

static void expect_error(const struct tree_options *o, const char *fragment)
{
    struct start_info si;
    const char *err = parse_with(o, &si);

    assert_non_null(err);
    if (!strstr(err, fragment))
        fail_msg("error '%s' does not mention '%s'", err, fragment);
}

static void test_good_tree_is_read(void **state)
{
    struct start_info si;

    assert_null(parse_with(&good, &si));
    assert_int_equal(si.domain_id, 3);
    assert_int_equal(si.memory_size, 64ull << 20);
    assert_int_equal(si.nr_vcpus, 2);
    assert_int_equal(si.shared_info, HV_GUEST_SHARED_INFO_GPA);
    assert_int_equal(si.console_ring, HV_GUEST_CONSOLE_GPA);
    assert_string_equal(si.cmdline, "app one two");

    /* No /chosen at all: an empty command line. */
    struct tree_options o = good;
    o.bootargs = NULL;
    assert_null(parse_with(&o, &si));
    assert_string_equal(si.cmdline, "");
}

/* The builders' writer (hv/common/start_info_fdt.c) and this reader agree,
 * and the writer says when its buffer is too small. */
static void test_builders_tree_is_read(void **state)
{
    struct start_info si;
    char cmdline[START_INFO_FDT_CMDLINE_MAX];
    size_t len = 0;

    memset(tree, 0, sizeof(tree));
    assert_int_equal(start_info_fdt_write(tree, sizeof(tree), 7, 96ull << 20, 12, "app -v x",
                                          &len), 0);
    assert_true(len > 0 && len <= sizeof(tree) && len == fdt_totalsize(tree));
    assert_null(start_info_parse(tree, len, &si));
    assert_int_equal(si.domain_id, 7);
    assert_int_equal(si.memory_size, 96ull << 20);
    assert_int_equal(si.nr_vcpus, 12);
    assert_int_equal(si.shared_info, HV_GUEST_SHARED_INFO_GPA);
    assert_int_equal(si.console_ring, HV_GUEST_CONSOLE_GPA);
    assert_string_equal(si.cmdline, "app -v x");

    /* The longest command line, and the most vCPUs, fit the buffer size the
     * header promises; both at once do not, and the writer says so. */
    memset(cmdline, 'c', sizeof(cmdline) - 1);
    cmdline[sizeof(cmdline) - 1] = '\0';
    assert_int_equal(start_info_fdt_write(tree, START_INFO_FDT_SIZE, 1, 4ull << 20, 1, cmdline,
                                          &len), 0);
    assert_null(start_info_parse(tree, len, &si));
    assert_int_equal(strlen(si.cmdline), sizeof(cmdline) - 1);
    assert_int_equal(start_info_fdt_write(tree, START_INFO_FDT_SIZE, 1, 4ull << 20,
                                          HV_MAX_VCPUS, "app", &len), 0);
    assert_null(start_info_parse(tree, len, &si));
    assert_int_equal(si.nr_vcpus, HV_MAX_VCPUS);
    assert_int_equal(start_info_fdt_write(tree, START_INFO_FDT_SIZE, 1, 4ull << 20,
                                          HV_MAX_VCPUS, cmdline, &len), -HV_E2BIG);
}

static void test_broken_structure_is_rejected(void **state)
{
    struct start_info si;

    build(&good);
    /* Bad magic. */
    tree[0] ^= 0xff;
    assert_non_null(strstr(start_info_parse(tree, sizeof(tree), &si), "bad magic"));
    tree[0] ^= 0xff;
    /* Larger than the area it was found in. */
    assert_non_null(strstr(start_info_parse(tree, fdt_totalsize(tree) - 1, &si),
                           "larger than the start-info area"));
    /* Too small for even a header. */
    assert_non_null(start_info_parse(tree, 8, &si));
    /* The structure block pointing past the end. */
    fdt_set_off_dt_struct(tree, fdt_totalsize(tree) - 4);
    assert_non_null(strstr(start_info_parse(tree, sizeof(tree), &si), "malformed"));
    /* The strings block cut short: names point outside it. */
    build(&good);
    fdt_set_size_dt_strings(tree, 4);
    assert_non_null(start_info_parse(tree, sizeof(tree), &si));
}

static void test_bad_properties_are_named(void **state)
{
    struct tree_options o;

    o = good, o.compatible = "linux,dummy";
    expect_error(&o, "not compatible with " HV_START_INFO_COMPATIBLE);
    o = good, o.abi_version = -1;
    expect_error(&o, "/exovisor,abi-version: missing");
    o = good, o.abi_version = HV_ABI_VERSION + 1;
    expect_error(&o, "not the ABI version");
    o = good, o.domain_id = -1;
    expect_error(&o, "/exovisor,domain-id: missing");
    o = good, o.memory_reg_len = 8;
    expect_error(&o, "/memory@0/reg");
    o = good, o.memory_base = 1ull << 20;
    expect_error(&o, "does not start at 0");
    o = good, o.memory_size = (64ull << 20) + 4096;
    expect_error(&o, "multiple of 2 MiB");
    o = good, o.memory_size = 2ull << 20;
    expect_error(&o, "below the minimum");
    o = good, o.nr_cpus = 0;
    expect_error(&o, "no cpu node");
    o = good, o.nr_cpus = HV_MAX_VCPUS + 1;
    expect_error(&o, "more than the hypervisor allows");
    o = good, o.swap_cpus = 1;
    expect_error(&o, "not numbered");
    o = good, o.no_hypervisor = 1;
    expect_error(&o, "no /hypervisor node");
    o = good, o.shared_info = 0x5000;
    expect_error(&o, "/hypervisor/shared-info: not where");
}

static void test_bad_command_lines_are_rejected(void **state)
{
    static char long_args[START_INFO_CMDLINE_MAX + 1];
    struct tree_options o;

    o = good, o.bootargs = "abc", o.bootargs_len = 3; /* no NUL */
    expect_error(&o, "/chosen/bootargs: not one NUL-terminated string");
    o = good, o.bootargs = "a\0b", o.bootargs_len = 4; /* two strings */
    expect_error(&o, "not one NUL-terminated string");
    memset(long_args, 'x', sizeof(long_args) - 1);
    o = good, o.bootargs = long_args;
    expect_error(&o, "longer than the library OS takes");
    /* The longest that fits. */
    long_args[START_INFO_CMDLINE_MAX - 1] = '\0';
    {
        struct start_info si;

        assert_null(parse_with(&o, &si));
        assert_int_equal(strlen(si.cmdline), START_INFO_CMDLINE_MAX - 1);
    }
}

/* Whatever a single corrupted byte does, parsing returns (accepting or
 * not); out-of-bounds reads would stop the test under ASan. The buffer is
 * exactly the tree's size so that a read past it is caught. */
static void test_every_corrupted_byte_is_survived(void **state)
{
    static const uint8_t patterns[] = {0x00, 0xff, 0x80, 0x01};
    uint8_t *copy;
    size_t size;
    unsigned int rejected = 0, total = 0;

    build(&good);
    assert_int_equal(fdt_pack(tree), 0);
    size = fdt_totalsize(tree);
    copy = malloc(size);
    assert_non_null(copy);
    for (size_t i = 0; i < size; i++) {
        for (size_t p = 0; p < sizeof(patterns); p++) {
            struct start_info si;

            memcpy(copy, tree, size);
            if (copy[i] == patterns[p])
                continue;
            copy[i] = patterns[p];
            total++;
            if (start_info_parse(copy, size, &si))
                rejected++;
            else
                assert_true(strlen(si.cmdline) < sizeof(si.cmdline));
        }
    }
    free(copy);
    /* Most corruptions must be caught, not just survived. */
    print_message("%u of %u corruptions rejected\n", rejected, total);
    assert_true(rejected > total / 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_tree_is_read),
        cmocka_unit_test(test_builders_tree_is_read),
        cmocka_unit_test(test_broken_structure_is_rejected),
        cmocka_unit_test(test_bad_properties_are_named),
        cmocka_unit_test(test_bad_command_lines_are_rejected),
        cmocka_unit_test(test_every_corrupted_byte_is_survived),
    };

    return RUN_TESTS(tests);
}
