/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains: building one from an ELF image, running it, and tearing it down.
 * A domain owns exactly the frames its p2m maps; destruction walks the p2m
 * and returns each one, so nothing can leak or stay shared. Guest memory is
 * reached only through copy_{from,to}_guest(), which check every page.
 */
#include <hv/arch.h>
#include <hv/domain.h>
#include <hv/elf.h>
#include <hv/heap.h>
#include <hv/hypercall.h>
#include <hv/lib.h>
#include <hv/page_alloc.h>
#include <libfdt.h>
#include <public/hv.h>
#include <string.h>

#define BLOCK_ORDER 9 /* populate with 2 MiB blocks: 2 MiB p2m leaves */

/* Walk [gpa, gpa + len) page by page; fn gets the hypervisor address of
 * each piece. -HV_EFAULT if any page is unmapped (or not writable when
 * write is set), before fn has seen any piece. */
static int guest_access(struct domain *d, uint64_t gpa, size_t len, bool write,
                        void (*fn)(void *hv, size_t off, size_t n, void *ctx), void *ctx)
{
    uint64_t end;
    mfn_t mfn;
    unsigned int perms;

    if (add_overflow(gpa, (uint64_t)len, &end) || end > d->memory_size)
        return -HV_EFAULT;
    /* Check every page first, so a failure has no side effect. */
    for (uint64_t p = ALIGN_DOWN(gpa, PAGE_SIZE); p < end; p += PAGE_SIZE)
        if (arch_p2m_lookup(d, _gfn(p >> PAGE_SHIFT), &mfn, &perms) ||
            (write && !(perms & P2M_W)))
            return -HV_EFAULT;
    for (size_t done = 0; done < len;) {
        uint64_t a = gpa + done;
        size_t n = MIN(len - done, (size_t)(PAGE_SIZE - (a & (PAGE_SIZE - 1))));

        BUG_ON(arch_p2m_lookup(d, _gfn(a >> PAGE_SHIFT), &mfn, &perms));
        fn((uint8_t *)arch_frame_virt(mfn) + (a & (PAGE_SIZE - 1)), done, n, ctx);
        done += n;
    }
    return 0;
}

static void piece_from(void *hv, size_t off, size_t n, void *ctx) { memcpy((uint8_t *)ctx + off, hv, n); }
static void piece_to(void *hv, size_t off, size_t n, void *ctx) { memcpy(hv, (const uint8_t *)ctx + off, n); }
static void piece_clear(void *hv, size_t off, size_t n, void *ctx) { memset(hv, 0, n); }

int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
    return guest_access(d, gpa, len, false, piece_from, dst);
}

int copy_to_guest(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
    return guest_access(d, gpa, len, true, piece_to, (void *)(uintptr_t)src);
}

int clear_guest(struct domain *d, uint64_t gpa, size_t len)
{
    return guest_access(d, gpa, len, true, piece_clear, NULL);
}

/* Give d 2^order fresh zeroed frames at gfn. */
static int populate_block(struct domain *d, uint64_t gfn, unsigned int order)
{
    mfn_t mfn;
    int err = page_alloc(order, &mfn);

    if (err)
        return err;
    for (uint64_t i = 0; i < (1ull << order); i++) {
        /* Frames come with someone else's old contents: zero them. */
        memset(arch_frame_virt(_mfn(mfn_x(mfn) + i)), 0, PAGE_SIZE);
        mfn_to_page(_mfn(mfn_x(mfn) + i))->owner = d;
    }
    err = arch_p2m_map(d, _gfn(gfn), mfn, order, P2M_RWX);
    if (err) {
        for (uint64_t i = 0; i < (1ull << order); i++)
            mfn_to_page(_mfn(mfn_x(mfn) + i))->owner = NULL;
        BUG_ON(page_free(mfn, order));
        return err;
    }
    d->nr_frames += 1ull << order;
    return 0;
}

static int populate(struct domain *d)
{
    uint64_t frames = d->memory_size >> PAGE_SHIFT;

    for (uint64_t gfn = 0; gfn < frames; gfn += 1ull << BLOCK_ORDER) {
        int err = populate_block(d, gfn, BLOCK_ORDER);

        /* Fragmented memory: fall back to single frames. */
        for (uint64_t i = 0; err == -HV_ENOMEM && i < (1ull << BLOCK_ORDER); i++)
            err = populate_block(d, gfn + i, 0);
        if (err)
            return err;
    }
    return 0;
}

static void release_frames(struct domain *d, mfn_t mfn, unsigned int order)
{
    for (uint64_t i = 0; i < (1ull << order); i++) {
        struct page_info *pg = mfn_to_page(_mfn(mfn_x(mfn) + i));

        /* Only the domain's own frames are mapped in its p2m for now. */
        BUG_ON(!pg || pg->owner != d);
        pg->owner = NULL;
    }
    BUG_ON(page_free(mfn, order));
    d->nr_frames -= 1ull << order;
}

static int elf_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
    struct domain *d = ctx;

    return src ? copy_to_guest(d, gpa, src, len) : clear_guest(d, gpa, len);
}

/* The start-info device tree of public/start_info.h. */
static int build_start_info(struct domain *d, const char *cmdline)
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
    FDT(fdt_begin_node(fdt, "cpu@0"));
    FDT(fdt_property_string(fdt, "device_type", "cpu"));
    FDT(fdt_property_u32(fdt, "reg", 0));
    FDT(fdt_end_node(fdt));
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

static struct domain *domain_alloc(uint32_t id, const char *name, uint64_t memory_size)
{
    struct domain *d = heap_alloc_page();

    BUILD_BUG_ON(sizeof(struct domain) > PAGE_SIZE);
    if (!d)
        return NULL;
    d->id = id;
    d->state = DOMAIN_BUILDING;
    d->memory_size = memory_size;
    memcpy(d->name, name, strnlen(name, sizeof(d->name) - 1));
    if (arch_domain_create(d)) {
        heap_free_page(d);
        return NULL;
    }
    return d;
}

int domain_create_from_elf(uint32_t id, const char *name, const void *image, size_t size,
                           uint64_t memory_size, const char *cmdline, struct domain **out,
                           const char **why)
{
    struct elf_image img;
    struct domain *d;
    struct vcpu *v;
    int err;

    *out = NULL;
    memory_size = ALIGN_UP(memory_size, HV_GUEST_MEMORY_ALIGN);
    if (memory_size < HV_GUEST_MIN_MEMORY) {
        *why = "less memory than the minimum of 4 MiB";
        return -HV_EINVAL;
    }
    if (memory_size > page_alloc_free_frames() << PAGE_SHIFT) {
        *why = "more memory than is free";
        return -HV_ENOMEM;
    }
    /* Check the whole image before anything is allocated. */
    err = elf_check(image, size, HV_GUEST_IMAGE_MIN, memory_size, &img, why);
    if (err)
        return err;
    if (strlen(cmdline) >= PAGE_SIZE / 2) {
        *why = "command line too long";
        return -HV_E2BIG;
    }

    d = domain_alloc(id, name, memory_size);
    if (!d) {
        *why = "out of memory for the domain";
        return -HV_ENOMEM;
    }
    err = populate(d);
    *why = "out of memory populating the domain";
    if (!err) {
        err = elf_load(&img, elf_write, d);
        *why = "loading the image failed";
    }
    if (!err) {
        err = build_start_info(d, cmdline);
        *why = "building the start-info tree failed";
    }
    if (!err) {
        err = arch_domain_build_boot(d);
        *why = "building the boot page tables failed";
    }
    if (!err) {
        v = heap_alloc_page();
        err = v ? 0 : -HV_ENOMEM;
        *why = "out of memory for the vCPU";
        if (v) {
            v->domain = d;
            d->vcpu0 = v;
            err = arch_vcpu_create(v);
        }
    }
    if (err) {
        domain_destroy(d);
        return err;
    }
    arch_vcpu_set_boot_state(v, img.entry, HV_GUEST_START_INFO_GPA);
    d->state = DOMAIN_RUNNING;
    *out = d;
    *why = NULL;
    return 0;
}

void domain_shutdown(struct domain *d, unsigned int reason, unsigned int code)
{
    if (d->state == DOMAIN_SHUTDOWN)
        return;
    console_guest_flush(d);
    d->state = DOMAIN_SHUTDOWN;
    d->shutdown_reason = reason;
    d->shutdown_code = code;
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    va_list ap;

    console_guest_flush(d);
    printk(LOG_ERR "hv: d%u (%s) crashed: ", d->id, d->name);
    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
    printk(LOG_ERR "\n");
    domain_shutdown(d, HV_SHUTDOWN_crash, 0);
}

void domain_destroy(struct domain *d)
{
    if (d->vcpu0) {
        arch_vcpu_destroy(d->vcpu0);
        heap_free_page(d->vcpu0);
    }
    arch_domain_destroy(d, release_frames);
    BUG_ON(d->nr_frames != 0);
    heap_free_page(d);
}

static void report_exit(struct domain *d, const struct vcpu_exit *e)
{
    switch (e->reason) {
    case EXIT_NPF:
        domain_crash(d, "nested page fault: %s guest-physical %#lx, which is not mapped, at rip %#lx",
                     e->npf.fetch ? "instruction fetch from" : e->npf.write ? "write to" : "read of",
                     e->npf.gpa, e->rip);
        break;
    case EXIT_EXCEPTION: {
        char detail[64] = "";

        if (e->exception.vector == 14)
            snprintf(detail, sizeof(detail), ", error code %#x, address %#lx",
                     e->exception.error_code, e->exception.cr2);
        else if (e->exception.has_error_code)
            snprintf(detail, sizeof(detail), ", error code %#x", e->exception.error_code);
        domain_crash(d, "exception %u (%s) at rip %#lx%s, before the guest set up an IDT",
                     e->exception.vector, arch_exception_name(e->exception.vector), e->rip,
                     detail);
        break;
    }
    case EXIT_TRIPLE_FAULT:
        domain_crash(d, "triple fault at rip %#lx", e->rip);
        break;
    case EXIT_INVALID_STATE:
        domain_crash(d, "the CPU refused the vCPU's state (invalid VM entry) at rip %#lx", e->rip);
        break;
    case EXIT_HALT:
        domain_crash(d, "halted at rip %#lx with nothing to wake it", e->rip);
        break;
    default:
        domain_crash(d, "unexpected exit %#lx (info %#lx %#lx) at rip %#lx", e->unhandled.code,
                     e->unhandled.info1, e->unhandled.info2, e->rip);
        break;
    }
}

void domain_run(struct domain *d)
{
    struct vcpu *v = d->vcpu0;
    struct vcpu_exit exit;

    while (d->state == DOMAIN_RUNNING) {
        arch_vcpu_run(v, &exit);
        if (exit.reason != EXIT_HYPERCALL) {
            report_exit(d, &exit);
            break;
        }
        int64_t ret = hypercall_dispatch(v, exit.hypercall.nr, exit.hypercall.args);

        if (d->state == DOMAIN_RUNNING)
            arch_vcpu_hypercall_return(v, ret);
    }
}

/* sched_op(cmd, arg1, arg2) */
int64_t do_sched_op(struct vcpu *v, const uint64_t args[6])
{
    switch (args[0]) {
    case HV_SCHED_shutdown:
        if (args[1] > HV_SHUTDOWN_MAX || args[2] > UINT32_MAX)
            return -HV_EINVAL;
        domain_shutdown(v->domain, (unsigned int)args[1], (unsigned int)args[2]);
        return 0;
    case HV_SCHED_yield:
        return 0;
    default:
        return -HV_ENOSYS;
    }
}
