/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exod's domain builder (build.h). It follows the hypervisor's builder for
 * boot domains (hv/common/domain_build.c) step for step, through the
 * control operations of public/domctl.h instead of direct access: the same
 * ELF checker (hv/common/elf.c) before anything is created, the same
 * start-info writer (hv/common/start_info_fdt.c) after. The create leaves
 * the new domain's memory zeroed, its boot page tables, GDT, shared-info
 * page and event channels in place, and its console ring (a zeroed page,
 * which is an empty ring) where the tree says; what is left is the image,
 * the tree and the entry point. The library OS maps memory one to one, so
 * the caller's pointers are its guest-physical addresses.
 */
#include "build.h"

#include <exo/hypercall.h>
#include <hv/elf.h>
#include <hv/start_info_fdt.h>
#include <string.h>

static int fail(const char **why, const char *msg, int err)
{
    if (why)
        *why = msg;
    return err;
}

static long domctl(long cmd, const void *arg)
{
    return hv_domctl(cmd, (long)(uintptr_t)arg);
}

/* elf_load()'s writer: copy_to in chunks the hypervisor accepts. Fresh
 * memory is zero, so the zeroed tails of segments need nothing. */
static int write_segment(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct hv_domctl_copy copy = {.domid = *(const uint32_t *)ctx};

    if (!src)
        return 0;
    while (len) {
        size_t n = len < HV_DOMCTL_COPY_MAX ? len : HV_DOMCTL_COPY_MAX;
        long err;

        copy.dst_gpa = gpa;
        copy.src_gpa = (uint64_t)(uintptr_t)src;
        copy.len = n;
        err = domctl(HV_DOMCTL_copy_to, &copy);
        if (err)
            return (int)err;
        gpa += n;
        src = (const uint8_t *)src + n;
        len -= n;
    }
    return 0;
}

/* The checks that need no hypercall, so that bad parameters are refused
 * before anything exists. */
static int check_params(const struct exod_build_params *p, uint64_t *memory, const char **why)
{
    size_t name_len = p->name ? strnlen(p->name, HV_DOMAIN_NAME_MAX) : 0;

    if (name_len == 0)
        return fail(why, "the domain needs a name", -HV_EINVAL);
    if (name_len >= HV_DOMAIN_NAME_MAX)
        return fail(why, "the name is longer than 31 bytes", -HV_EINVAL);
    if (p->vcpus == 0)
        return fail(why, "a domain needs at least one vCPU", -HV_EINVAL);
    if (p->vcpus > HV_MAX_VCPUS)
        return fail(why, "more vCPUs than the maximum of 32", -HV_EINVAL);
    if (p->memory < HV_GUEST_MIN_MEMORY)
        return fail(why, "less memory than the minimum of 4 MiB", -HV_EINVAL);
    /* Round up to the 2 MiB the hypervisor allocates by, as its builder
     * does; the mask cannot overflow below this bound. */
    if (p->memory > (1ull << 48))
        return fail(why, "more memory than any machine has", -HV_ENOMEM);
    *memory = (p->memory + HV_GUEST_MEMORY_ALIGN - 1) & ~(HV_GUEST_MEMORY_ALIGN - 1);
    if (p->cmdline && strnlen(p->cmdline, START_INFO_FDT_CMDLINE_MAX) >= START_INFO_FDT_CMDLINE_MAX)
        return fail(why, "the command line is longer than 2047 bytes", -HV_E2BIG);
    return 0;
}

/* Everything after the create; any failure leaves the domain to be
 * destroyed by the caller. */
static int fill(const struct exod_build_params *p, uint32_t id, uint64_t memory,
                const struct elf_image *img, const char **why)
{
    uint8_t tree[START_INFO_FDT_SIZE];
    struct hv_domctl_copy copy = {.domid = id};
    struct hv_domctl_vcpu_context ctx = {.domid = id, .vcpu = 0};
    size_t len;
    int err;

    err = elf_load(img, write_segment, &id);
    if (err)
        return fail(why, "loading the image failed", err);
    err = start_info_fdt_write(tree, sizeof(tree), id, memory, p->vcpus,
                               p->cmdline ? p->cmdline : "", &len);
    if (err)
        return fail(why,
                    "the start-info tree does not fit: a shorter command line or "
                    "fewer vCPUs",
                    err);
    copy.dst_gpa = HV_GUEST_START_INFO_GPA;
    copy.src_gpa = (uint64_t)(uintptr_t)tree;
    copy.len = len;
    err = (int)domctl(HV_DOMCTL_copy_to, &copy);
    if (err)
        return fail(why, "writing the start-info tree failed", err);
    ctx.rip = img->entry;
    ctx.rdi = HV_GUEST_START_INFO_GPA;
    err = (int)domctl(HV_DOMCTL_set_vcpu_context, &ctx);
    if (err)
        return fail(why, "setting the entry point failed", err);
    if (p->start) {
        err = (int)hv_domctl(HV_DOMCTL_unpause, id);
        if (err)
            return fail(why, "starting the domain failed", err);
    }
    return 0;
}

int exod_build(const struct exod_build_params *p, uint32_t *domid, const char **why)
{
    struct elf_image img;
    struct hv_domctl_create c = {.domid = HV_DOMID_ANY};
    const char *elf_why = NULL;
    uint64_t memory = 0;
    int err;

    err = check_params(p, &memory, why);
    if (err)
        return err;
    /* The whole image is checked against the domain's memory first. */
    err = elf_check(p->image, p->image_size, HV_GUEST_IMAGE_MIN, memory, &img, &elf_why);
    if (err == -HV_ERANGE)
        return fail(why, "the image does not fit in the domain's memory", err);
    if (err)
        return fail(why, elf_why ? elf_why : "not a valid image", err);

    c.vcpus = p->vcpus;
    c.memory = memory;
    memcpy(c.name, p->name, strlen(p->name) + 1);
    err = (int)domctl(HV_DOMCTL_create, &c);
    if (err == -HV_ENOMEM)
        return fail(why, "not enough free memory for the domain", err);
    if (err == -HV_ENOSPC)
        return fail(why, "no free domain id", err);
    if (err)
        return fail(why, "the hypervisor refused to create the domain", err);

    err = fill(p, c.domid, memory, &img, why);
    if (err) {
        /* Nothing half-built is left behind; a destroy that fails too
         * (it should not) keeps the first error, which says more. */
        (void)hv_domctl(HV_DOMCTL_destroy, c.domid);
        return err;
    }
    *domid = c.domid;
    return 0;
}

/* The errors every operation on one domain shares, else what. */
static int named(int err, const char *what, const char **why)
{
    if (err == -HV_ESRCH)
        return fail(why, "no such domain", err);
    if (err == -HV_EPERM)
        return fail(why, "only the control domain may do this", err);
    return err ? fail(why, what, err) : 0;
}

int exod_destroy(uint32_t domid, const char **why)
{
    return named((int)hv_domctl(HV_DOMCTL_destroy, domid), "a domain cannot destroy itself", why);
}

int exod_pause(uint32_t domid, const char **why)
{
    return named((int)hv_domctl(HV_DOMCTL_pause, domid), "a domain cannot pause itself", why);
}

int exod_unpause(uint32_t domid, const char **why)
{
    int err = (int)hv_domctl(HV_DOMCTL_unpause, domid);

    if (err == -HV_EBUSY)
        return fail(why, "the domain is still being created", err);
    /* -HV_EINVAL: the caller itself, not paused, or no entry point yet. */
    return named(err, "the domain is not paused, has no entry point yet, or is the caller", why);
}

int exod_shutdown(uint32_t domid, uint32_t reason, uint32_t code, const char **why)
{
    struct hv_domctl_shutdown s = {.domid = domid, .reason = reason, .code = code};

    if (reason > HV_SHUTDOWN_MAX)
        return fail(why, "unknown shutdown reason", -HV_EINVAL);
    return named((int)domctl(HV_DOMCTL_shutdown, &s),
                 "the domain is neither running nor paused, or is the caller", why);
}

int exod_getinfo(uint32_t domid, struct hv_domctl_info *info, const char **why)
{
    int err;

    info->domid = domid;
    err = (int)domctl(HV_DOMCTL_getinfo, info);
    /* getinfo gives the first domain at or above domid: a different one
     * means domid itself is gone. */
    if (!err && info->domid != domid)
        err = -HV_ESRCH;
    return named(err, "getinfo failed", why);
}

int exod_list(struct hv_domctl_info *list, unsigned int max, unsigned int *count, const char **why)
{
    struct hv_domctl_info info;
    unsigned int n = 0;
    uint32_t next = 0;
    int err;

    for (;;) {
        info.domid = next;
        err = (int)domctl(HV_DOMCTL_getinfo, &info);
        if (err == -HV_ESRCH)
            break; /* no domain at or above next */
        if (err)
            return named(err, "getinfo failed", why);
        if (n < max)
            list[n] = info;
        n++;
        if (info.domid == UINT32_MAX)
            break;
        next = info.domid + 1;
    }
    *count = n;
    return 0;
}

int exod_free_frames(uint64_t *frames, const char **why)
{
    struct hv_sysctl_physinfo phys;
    int err = (int)hv_sysctl(HV_SYSCTL_physinfo, (long)(uintptr_t)&phys);

    if (err)
        return named(err, "sysctl physinfo failed", why);
    *frames = phys.free_frames;
    return 0;
}
