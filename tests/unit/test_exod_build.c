/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exod's domain builder (toolstack/exod/build.c) on the host, over a fake
 * hypervisor that keeps one child domain in a malloc'd buffer and checks
 * each control operation as the real one does. A good image ends up byte
 * for byte at its physical addresses with the start-info tree and entry
 * point the guest ABI promises, copied in chunks the hypervisor accepts;
 * bad parameters and images are refused before any hypercall; a failure
 * after the create destroys the domain; the lifecycle wrappers say what
 * went wrong.
 */
#include "unit.h"

#include <exo/hypercall.h>
#include <hv/start_info_fdt.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "../../toolstack/exod/build.h"

#define MIB (1ull << 20)
#define CHILD 5u
#define FREE_FRAMES 100000u

/* The image: a text segment of CODE_SIZE bytes (three copy_to chunks) at
 * 1 MiB, a data segment with a zeroed tail at 2 MiB. */
#define CODE_GPA 0x100000ull
#define CODE_OFFSET 0x1000u
#define CODE_SIZE 150000u
#define DATA_GPA 0x200000ull
#define DATA_OFFSET (CODE_OFFSET + CODE_SIZE)
#define DATA_SIZE 100u
#define DATA_MEMSZ 0x10000u
#define ENTRY (CODE_GPA + 0x10)
#define IMAGE_SIZE (DATA_OFFSET + DATA_SIZE)

static uint8_t image[IMAGE_SIZE];

static struct {
    int exists;
    char name[HV_DOMAIN_NAME_MAX];
    uint8_t *mem;
    uint64_t memory;
    unsigned int vcpus;
    uint32_t state, reason, code;
    uint64_t rip, rdi;
    int entry_set;
    unsigned int calls, copies, destroys, fail_copy_at;
    uint64_t longest_copy;
    long create_err;
} hv;

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void phdr(uint8_t *p, uint32_t flags, uint64_t offset, uint64_t gpa, uint64_t filesz,
                 uint64_t memsz)
{
    put32(p, 1); /* PT_LOAD */
    put32(p + 4, flags);
    put64(p + 8, offset);
    put64(p + 16, gpa);
    put64(p + 24, gpa);
    put64(p + 32, filesz);
    put64(p + 40, memsz);
    put64(p + 48, 0x1000);
}

/* An ELF64 x86-64 executable, written from the format, not from elf.c. */
static void make_image(void)
{
    static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};

    memset(image, 0, sizeof(image));
    memcpy(image, ident, sizeof(ident));
    put16(image + 16, 2);  /* ET_EXEC */
    put16(image + 18, 62); /* EM_X86_64 */
    put32(image + 20, 1);
    put64(image + 24, ENTRY);
    put64(image + 32, 64); /* program headers right after this header */
    put16(image + 52, 64);
    put16(image + 54, 56);
    put16(image + 56, 2);
    phdr(image + 64, 5, CODE_OFFSET, CODE_GPA, CODE_SIZE, CODE_SIZE);
    phdr(image + 120, 6, DATA_OFFSET, DATA_GPA, DATA_SIZE, DATA_MEMSZ);
    for (unsigned int i = 0; i < CODE_SIZE + DATA_SIZE; i++)
        image[CODE_OFFSET + i] = (uint8_t)(i * 7 + 1);
}

/* The fake hypervisor: the control operations the builder uses. */
static long fake_domctl(long cmd, void *arg, long id)
{
    struct hv_domctl_create *c = arg;
    struct hv_domctl_copy *copy = arg;
    struct hv_domctl_vcpu_context *ctx = arg;
    struct hv_domctl_shutdown *s = arg;
    struct hv_domctl_info *info = arg;

    switch (cmd) {
    case HV_DOMCTL_create:
        if (hv.create_err)
            return hv.create_err;
        assert_false(hv.exists);
        assert_non_null(memchr(c->name, '\0', sizeof(c->name)));
        assert_true(c->vcpus >= 1 && c->vcpus <= HV_MAX_VCPUS);
        assert_true(c->memory >= HV_GUEST_MIN_MEMORY && c->memory % HV_GUEST_MEMORY_ALIGN == 0);
        assert_int_equal(c->domid, HV_DOMID_ANY);
        hv.mem = calloc(1, c->memory);
        assert_non_null(hv.mem);
        hv.exists = 1;
        hv.memory = c->memory;
        hv.vcpus = c->vcpus;
        memcpy(hv.name, c->name, sizeof(hv.name));
        hv.state = HV_DOMSTATE_building;
        c->domid = CHILD;
        return 0;
    case HV_DOMCTL_copy_to:
        if (!hv.exists || copy->domid != CHILD)
            return -HV_ESRCH;
        if (++hv.copies == hv.fail_copy_at)
            return -HV_EFAULT;
        if (copy->len > HV_DOMCTL_COPY_MAX)
            return -HV_E2BIG;
        if (copy->dst_gpa > hv.memory || copy->len > hv.memory - copy->dst_gpa)
            return -HV_EFAULT;
        if (copy->len > hv.longest_copy)
            hv.longest_copy = copy->len;
        memcpy(hv.mem + copy->dst_gpa, (const void *)(uintptr_t)copy->src_gpa, copy->len);
        return 0;
    case HV_DOMCTL_set_vcpu_context:
        if (!hv.exists || ctx->domid != CHILD)
            return -HV_ESRCH;
        assert_int_equal(ctx->vcpu, 0);
        hv.rip = ctx->rip;
        hv.rdi = ctx->rdi;
        hv.entry_set = 1;
        return 0;
    case HV_DOMCTL_unpause:
        if (!hv.exists || id != CHILD)
            return id == 0 ? -HV_EINVAL : -HV_ESRCH;
        if (!hv.entry_set || hv.state == HV_DOMSTATE_running)
            return -HV_EINVAL;
        hv.state = HV_DOMSTATE_running;
        return 0;
    case HV_DOMCTL_pause:
        if (!hv.exists || id != CHILD)
            return id == 0 ? -HV_EINVAL : -HV_ESRCH;
        hv.state = HV_DOMSTATE_paused;
        return 0;
    case HV_DOMCTL_shutdown:
        if (!hv.exists || s->domid != CHILD)
            return -HV_ESRCH;
        if (hv.state != HV_DOMSTATE_running && hv.state != HV_DOMSTATE_paused)
            return -HV_EINVAL;
        hv.state = HV_DOMSTATE_shutdown;
        hv.reason = s->reason;
        hv.code = s->code;
        return 0;
    case HV_DOMCTL_destroy:
        if (id == 0)
            return -HV_EINVAL;
        if (!hv.exists || id != CHILD)
            return -HV_ESRCH;
        free(hv.mem);
        hv.mem = NULL;
        hv.exists = 0;
        hv.destroys++;
        return 0;
    case HV_DOMCTL_getinfo: {
        uint32_t from = info->domid;

        memset(info, 0, sizeof(*info));
        if (from == 0) {
            info->state = HV_DOMSTATE_running;
            info->privileged = 1;
            strcpy(info->name, "exod");
            return 0;
        }
        if (!hv.exists || from > CHILD)
            return -HV_ESRCH;
        info->domid = CHILD;
        info->state = hv.state;
        info->shutdown_reason = hv.reason;
        info->shutdown_code = hv.code;
        info->memory = hv.memory;
        info->vcpus = hv.vcpus;
        memcpy(info->name, hv.name, sizeof(info->name));
        return 0;
    }
    default:
        fail_msg("the builder used domctl %ld", cmd);
        return -HV_ENOSYS;
    }
}

long hv_domctl(long cmd, long arg)
{
    hv.calls++;
    return fake_domctl(cmd, (void *)arg, arg);
}

long hv_sysctl(long cmd, long arg)
{
    struct hv_sysctl_physinfo *phys = (void *)arg;

    hv.calls++;
    assert_int_equal(cmd, HV_SYSCTL_physinfo);
    memset(phys, 0, sizeof(*phys));
    phys->free_frames = FREE_FRAMES - (hv.exists ? hv.memory >> 12 : 0);
    return 0;
}

static int setup(void **state)
{
    free(hv.mem);
    memset(&hv, 0, sizeof(hv));
    make_image();
    return 0;
}

static struct exod_build_params params(void)
{
    return (struct exod_build_params){.image = image, .image_size = sizeof(image),
                                      .name = "web", .memory = 5 * MIB, .vcpus = 3,
                                      .cmdline = "web -p 80"};
}

static void test_image_tree_and_entry_are_in_place(void **state)
{
    struct exod_build_params p = params();
    const char *why = NULL;
    uint32_t domid = 0;
    const void *tree;
    int node, len;
    const char *prop;

    assert_int_equal(exod_build(&p, &domid, &why), 0);
    assert_int_equal(domid, CHILD);
    assert_string_equal(hv.name, "web");
    assert_int_equal(hv.memory, 6 * MIB); /* rounded up to 2 MiB, as the hypervisor does */
    assert_int_equal(hv.vcpus, 3);
    /* The segments, at their physical addresses; the tail of data zero. */
    assert_memory_equal(hv.mem + CODE_GPA, image + CODE_OFFSET, CODE_SIZE);
    assert_memory_equal(hv.mem + DATA_GPA, image + DATA_OFFSET, DATA_SIZE);
    for (unsigned int i = DATA_SIZE; i < DATA_MEMSZ; i++)
        assert_int_equal(hv.mem[DATA_GPA + i], 0);
    assert_true(hv.longest_copy > 0 && hv.longest_copy <= HV_DOMCTL_COPY_MAX);
    assert_true(hv.copies >= 5); /* 3 chunks of text, 1 of data, the tree */
    /* The tree the guest reads. */
    tree = hv.mem + HV_GUEST_START_INFO_GPA;
    assert_int_equal(fdt_check_header(tree), 0);
    assert_true(fdt_totalsize(tree) <= HV_GUEST_START_INFO_MAX);
    prop = fdt_getprop(tree, 0, "exovisor,domain-id", &len);
    assert_true(prop && len == 4 && fdt32_to_cpu(*(const fdt32_t *)prop) == CHILD);
    node = fdt_path_offset(tree, "/chosen");
    assert_true(node >= 0);
    assert_string_equal(fdt_getprop(tree, node, "bootargs", NULL), "web -p 80");
    assert_true(fdt_path_offset(tree, "/cpus/cpu@2") >= 0);
    assert_true(fdt_path_offset(tree, "/cpus/cpu@3") < 0);
    node = fdt_path_offset(tree, "/memory@0");
    prop = fdt_getprop(tree, node, "reg", &len);
    assert_true(prop && len == 16 && fdt64_to_cpu(((const fdt64_t *)prop)[1]) == 6 * MIB);
    /* vCPU 0 enters at the ELF entry with the tree in rdi; not started. */
    assert_int_equal(hv.rip, ENTRY);
    assert_int_equal(hv.rdi, HV_GUEST_START_INFO_GPA);
    assert_int_equal(hv.state, HV_DOMSTATE_building);
    assert_int_equal(hv.destroys, 0);
}

static void test_start_unpauses(void **state)
{
    struct exod_build_params p = params();
    const char *why;
    uint32_t domid;

    p.start = true;
    assert_int_equal(exod_build(&p, &domid, &why), 0);
    assert_int_equal(hv.state, HV_DOMSTATE_running);
}

static void expect_refused(const struct exod_build_params *p, int err, const char *fragment)
{
    const char *why = NULL;
    uint32_t domid = 77;

    assert_int_equal(exod_build(p, &domid, &why), err);
    assert_non_null(why);
    if (!strstr(why, fragment))
        fail_msg("message '%s' does not mention '%s'", why, fragment);
    assert_int_equal(domid, 77);
}

static void test_bad_parameters_are_refused_before_any_hypercall(void **state)
{
    static char long_cmdline[START_INFO_FDT_CMDLINE_MAX + 1];
    struct exod_build_params p;

    p = params(), p.name = "";
    expect_refused(&p, -HV_EINVAL, "name");
    p = params(), p.name = NULL;
    expect_refused(&p, -HV_EINVAL, "name");
    p = params(), p.name = "an-exactly-thirty-two-byte-name!";
    expect_refused(&p, -HV_EINVAL, "longer than 31");
    p = params(), p.vcpus = 0;
    expect_refused(&p, -HV_EINVAL, "at least one vCPU");
    p = params(), p.vcpus = HV_MAX_VCPUS + 1;
    expect_refused(&p, -HV_EINVAL, "maximum");
    p = params(), p.memory = HV_GUEST_MIN_MEMORY - 1;
    expect_refused(&p, -HV_EINVAL, "minimum");
    p = params(), p.memory = UINT64_MAX;
    expect_refused(&p, -HV_ENOMEM, "memory");
    memset(long_cmdline, 'x', START_INFO_FDT_CMDLINE_MAX);
    p = params(), p.cmdline = long_cmdline;
    expect_refused(&p, -HV_E2BIG, "command line");
    assert_int_equal(hv.calls, 0);
}

static void test_bad_images_are_refused_before_any_hypercall(void **state)
{
    struct exod_build_params p = params();

    p.image_size = 100; /* the headers, not the segments */
    expect_refused(&p, -HV_ENOEXEC, "");
    p = params(), p.image_size = 10;
    expect_refused(&p, -HV_ENOEXEC, "");
    p = params(), image[0] = 'X';
    expect_refused(&p, -HV_ENOEXEC, "");
    make_image();
    p = params(), p.memory = 2 * MIB + HV_GUEST_MIN_MEMORY; /* fits */
    put64(image + 120 + 40, 8 * MIB); /* data's memsz now reaches past 10 MiB */
    expect_refused(&p, -HV_ERANGE, "does not fit");
    assert_int_equal(hv.calls, 0);
}

static void test_failures_after_the_create_leave_nothing(void **state)
{
    struct exod_build_params p = params();
    const char *why = NULL;
    uint32_t domid;

    hv.fail_copy_at = 2; /* the second chunk of text */
    assert_int_equal(exod_build(&p, &domid, &why), -HV_EFAULT);
    assert_non_null(strstr(why, "loading the image"));
    assert_int_equal(hv.destroys, 1);
    assert_false(hv.exists);

    setup(state);
    hv.fail_copy_at = 5; /* the start-info tree */
    assert_int_equal(exod_build(&p, &domid, &why), -HV_EFAULT);
    assert_non_null(strstr(why, "start-info"));
    assert_int_equal(hv.destroys, 1);
    assert_false(hv.exists);

    setup(state);
    hv.create_err = -HV_ENOMEM;
    assert_int_equal(exod_build(&p, &domid, &why), -HV_ENOMEM);
    assert_non_null(strstr(why, "not enough free memory"));
    assert_int_equal(hv.destroys, 0);
}

static void test_lifecycle_and_its_errors(void **state)
{
    struct exod_build_params p = params();
    struct hv_domctl_info list[4], info;
    unsigned int count;
    const char *why;
    uint64_t frames;
    uint32_t domid;

    assert_int_equal(exod_free_frames(&frames, &why), 0);
    assert_int_equal(frames, FREE_FRAMES);
    assert_int_equal(exod_build(&p, &domid, &why), 0);
    assert_int_equal(exod_list(list, 4, &count, &why), 0);
    assert_int_equal(count, 2);
    assert_int_equal(list[0].domid, 0);
    assert_int_equal(list[1].domid, CHILD);
    assert_string_equal(list[1].name, "web");
    assert_int_equal(exod_list(list, 1, &count, &why), 0);
    assert_int_equal(count, 2); /* counted, though only one fitted */

    assert_int_equal(exod_shutdown(domid, HV_SHUTDOWN_poweroff, 0, &why), -HV_EINVAL);
    assert_non_null(strstr(why, "neither running nor paused"));
    assert_int_equal(exod_unpause(domid, &why), 0);
    assert_int_equal(exod_unpause(domid, &why), -HV_EINVAL);
    assert_int_equal(exod_pause(domid, &why), 0);
    assert_int_equal(exod_shutdown(domid, HV_SHUTDOWN_MAX + 1, 0, &why), -HV_EINVAL);
    assert_non_null(strstr(why, "reason"));
    assert_int_equal(exod_shutdown(domid, HV_SHUTDOWN_poweroff, 3, &why), 0);
    assert_int_equal(exod_getinfo(domid, &info, &why), 0);
    assert_true(info.state == HV_DOMSTATE_shutdown && info.shutdown_code == 3);

    assert_int_equal(exod_destroy(0, &why), -HV_EINVAL);
    assert_non_null(strstr(why, "itself"));
    assert_int_equal(exod_destroy(domid, &why), 0);
    assert_int_equal(exod_destroy(domid, &why), -HV_ESRCH);
    assert_string_equal(why, "no such domain");
    assert_int_equal(exod_getinfo(domid, &info, &why), -HV_ESRCH);
    assert_int_equal(exod_getinfo(3, &info, &why), -HV_ESRCH); /* not the next one up */
    assert_int_equal(exod_pause(domid, &why), -HV_ESRCH);
    assert_int_equal(exod_unpause(domid, &why), -HV_ESRCH);
    assert_int_equal(exod_free_frames(&frames, &why), 0);
    assert_int_equal(frames, FREE_FRAMES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_image_tree_and_entry_are_in_place, setup),
        cmocka_unit_test_setup(test_start_unpauses, setup),
        cmocka_unit_test_setup(test_bad_parameters_are_refused_before_any_hypercall, setup),
        cmocka_unit_test_setup(test_bad_images_are_refused_before_any_hypercall, setup),
        cmocka_unit_test_setup(test_failures_after_the_create_leave_nothing, setup),
        cmocka_unit_test_setup(test_lifecycle_and_its_errors, setup),
    };

    return RUN_TESTS(tests);
}
