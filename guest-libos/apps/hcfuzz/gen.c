/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Generating the fuzzer's calls: a hypercall number (sometimes none that
 * exists), a command (valid or not), and arguments from args.c; structures
 * start valid and are often mutated. Pointers are guest-physical: the
 * hypervisor never reads the guest's page tables, so a page the library
 * OS maps read-only (mprotect) is writable to it by design, and the
 * read-only memory that matters is a read-only grant mapping, which counts
 * as foreign.
 *
 * What is left out, because it would end or corrupt the fuzzer itself by
 * the rules (and so prove nothing): shutdown with valid arguments; block
 * without its own timer armed just before (so it always wakes); starting
 * another vCPU at a random rip; giving back or copying over, or naming as
 * its grant table, any page of its own but the arena's (copies through
 * its own grant references included); structures written to its GDT, page
 * tables, start-info, shared-info or console pages, or across the end of
 * its memory.
 */
#include <exo/hypercall.h>
#include <exo/time.h>
#include <string.h>

#include "fuzz.h"
#include "hcfuzz.h"

/* ---- the hypercalls ------------------------------------------------- */

static void gen_console(struct fuzzer *f, struct call *c)
{
    static const char text[] = "hcfuzz";
    uint64_t len = small_or_edge(f);

    c->a[0] = (long)place(f, c, text, sizeof(text));
    /* Its own bytes would only be noise in the log: write nothing then
     * (length 0 is the ring's notification). */
    if (c->expect != EXPECT_EFAULT || len == 0) {
        c->a[1] = 0, c->expect = EXPECT_ANY, c->marker = NULL;
        return;
    }
    /* Long enough to reach what is not its own, when only the end of
     * the text is (half in a hole, across the 64 GiB line). */
    c->a[1] = (long)(len < sizeof(text) ? sizeof(text) : len);
}

static void gen_sched(struct fuzzer *f, struct call *c)
{
    const uint64_t deadlines[] = {0, 1, 1000, UINT64_MAX, 1ull << 63, 1ull << 62};
    const uint64_t bad_reasons[] = {HV_SHUTDOWN_MAX + 1, 255, 0x100000000ull, UINT64_MAX};

    switch (below(f, 8)) {
    case 0: /* shutdown, always with a bad reason or a code over 32 bits */
        c->a[0] = HV_SCHED_shutdown;
        if (below(f, 2)) {
            c->a[1] = (long)PICK(f, bad_reasons);
            c->a[2] = (long)small_or_edge(f);
        } else {
            c->a[1] = (long)below(f, HV_SHUTDOWN_MAX + 1);
            c->a[2] = (long)(0x100000000ull + below(f, 4));
        }
        break;
    case 1:
    case 2:
        c->a[0] = HV_SCHED_yield;
        break;
    case 3: /* block: fuzz.c arms the timer just before */
        c->a[0] = HV_SCHED_block;
        break;
    case 4:
    case 5:
        c->a[0] = HV_SCHED_set_timer;
        c->a[1] = below(f, 2) ? (long)(libos_time_ns() + below(f, 100000))
                              : (long)PICK(f, deadlines);
        break;
    default: /* no such command, or one with high bits that must not be cut */
        c->a[0] = (long)(below(f, 2) ? 4 + below(f, 100) : (1ull << 32) + below(f, 4));
        c->a[1] = (long)small_or_edge(f);
    }
}

static void gen_vcpu(struct fuzzer *f, struct call *c)
{
    c->a[0] = (long)(below(f, 4) ? below(f, 3) : small_or_edge(f));
    c->a[1] = (long)vcpu(f);
    c->a[2] = (long)rnd(f);
    c->a[3] = (long)rnd(f);
    /* Another vCPU of its own started at a random rip would crash the
     * domain: that is the fuzzer's own doing, not the hypervisor's. */
    if (c->a[0] == HV_VCPUOP_up && c->a[1] != 0 && (uint64_t)c->a[1] < HV_MAX_VCPUS &&
        hv_vcpu_op(HV_VCPUOP_count, 0, 0, 0) > 1)
        c->a[1] = 0;
}

static void gen_memory(struct fuzzer *f, struct call *c)
{
    uint64_t gfn, n, own = f->mem / PAGE_BYTES, first = victim_gfn(f, 0);
    struct hv_memop_info info = {0};

    c->a[0] = (long)(below(f, 8) ? below(f, 4) : small_or_edge(f));
    switch (c->a[0]) {
    case HV_MEMOP_populate: /* never replaces a frame: any range will do */
        c->a[1] = (long)any_gfn(f);
        c->a[2] = (long)count(f, HV_MEMOP_BATCH_MAX);
        break;
    case HV_MEMOP_release:
        gfn = below(f, 8) ? safe_gfn(f) : HV_GUEST_SHARED_INFO_GPA / PAGE_BYTES;
        n = count(f, HV_MEMOP_BATCH_MAX);
        /* Of its own memory, only victim pages (and the shared-info page,
         * which must be refused): a larger count is refused as a whole. */
        if (gfn < own && gfn != HV_GUEST_SHARED_INFO_GPA / PAGE_BYTES &&
            (gfn < first || gfn >= first + VICTIM_PAGES))
            gfn = first + below(f, VICTIM_PAGES);
        if (gfn < own && n <= HV_MEMOP_BATCH_MAX) {
            uint64_t room = gfn >= first ? first + VICTIM_PAGES - gfn : 1;

            n = n > room ? room : n;
        }
        c->a[1] = (long)gfn;
        c->a[2] = (long)n;
        break;
    case HV_MEMOP_query:
        c->a[1] = (long)any_gfn(f);
        break;
    case HV_MEMOP_info:
        mutate(f, &info, sizeof(info));
        c->a[1] = (long)place(f, c, &info, sizeof(info));
        break;
    default:
        c->a[1] = (long)any_gfn(f);
        c->a[2] = (long)count(f, HV_MEMOP_BATCH_MAX);
    }
}

/* The structure of an evtchn command, valid before mutation. */
static size_t evtchn_struct(struct fuzzer *f, unsigned int cmd, uint32_t *w)
{
    switch (cmd) {
    case HV_EVTCHN_alloc_unbound:
        w[0] = (uint32_t)domid(f);
        return sizeof(struct hv_evtchn_alloc_unbound);
    case HV_EVTCHN_bind_interdomain:
        w[0] = (uint32_t)domid(f);
        w[1] = (uint32_t)port(f);
        return sizeof(struct hv_evtchn_bind_interdomain);
    case HV_EVTCHN_bind_virq:
        w[0] = (uint32_t)(below(f, 4) ? below(f, HV_VIRQ_COUNT + 1) : small_or_edge(f));
        w[1] = (uint32_t)vcpu(f);
        return sizeof(struct hv_evtchn_bind_virq);
    case HV_EVTCHN_status:
        w[0] = (uint32_t)port(f);
        return sizeof(struct hv_evtchn_status);
    case HV_EVTCHN_bind_vcpu:
        w[0] = (uint32_t)port(f);
        w[1] = (uint32_t)vcpu(f);
        return sizeof(struct hv_evtchn_bind_vcpu);
    }
    return 0;
}

static void gen_evtchn(struct fuzzer *f, struct call *c)
{
    uint32_t w[HV_EVTCHN_BATCH_MAX + 2] = {0};
    unsigned int cmd = (unsigned int)(below(f, 10) ? below(f, 9) : 9 + below(f, 4));
    size_t size;
    uint64_t n;

    c->a[0] = below(f, 32) ? cmd : (long)small_or_edge(f);
    switch (c->a[0]) {
    case HV_EVTCHN_send:
    case HV_EVTCHN_close:
    case HV_EVTCHN_unmask:
        c->a[1] = (long)port(f);
        break;
    case HV_EVTCHN_send_batch:
        n = count(f, HV_EVTCHN_BATCH_MAX);
        for (unsigned int i = 0; i < ARRAY_SIZE(w) && i <= n; i++)
            w[i] = (uint32_t)port(f);
        mutate(f, w, n < ARRAY_SIZE(w) ? (n + 1) * 4 : sizeof(w));
        c->a[1] = (long)place(f, c, w, n <= HV_EVTCHN_BATCH_MAX + 2 ? n * 4 : sizeof(w));
        c->a[2] = (long)n;
        if (n == 0 || n > HV_EVTCHN_BATCH_MAX)
            c->expect = EXPECT_ANY, c->marker = NULL;
        break;
    default:
        size = (uint64_t)c->a[0] <= HV_EVTCHN_bind_vcpu ? evtchn_struct(f, (unsigned int)c->a[0], w)
                                                       : 0;
        mutate(f, w, size ? size : 16);
        c->a[1] = (long)place(f, c, w, size ? size : 16);
        if (!size) /* no such command: the pointer need not be read */
            c->expect = EXPECT_ANY, c->marker = NULL;
    }
}

/* Now and then, rewrite an entry of its own grant table (the first table
 * page, or one it may have named instead). */
static void scribble_table(struct fuzzer *f)
{
    struct hv_grant_entry *e = (struct hv_grant_entry *)(void *)scratch_page(f, SCRATCH_PAGES);
    const uint16_t flags[] = {0, HV_GTF_permit_access, HV_GTF_permit_access | HV_GTF_readonly,
                              HV_GTF_readonly, 0xffff};
    unsigned int i = (unsigned int)below(f, TABLE_PAGES * HV_GRANT_ENTRIES_PER_FRAME);

    if (below(f, 2))
        i %= 8;
    e[i].flags = 0;
    e[i].domid = (uint16_t)domid(f);
    e[i].gfn = (uint32_t)safe_gfn(f);
    __atomic_store_n(&e[i].flags, PICK(f, flags), __ATOMIC_RELEASE);
}

static uint64_t map_gpa(struct fuzzer *f)
{
    switch (below(f, 6)) {
    case 0:
        return victim_gfn(f, (unsigned int)below(f, VICTIM_PAGES)) * PAGE_BYTES;
    case 1:
        return f->nmaps ? f->map_gpa[below(f, f->nmaps)] : f->mem;
    case 2:
        return safe_gfn(f) * PAGE_BYTES + (below(f, 4) ? 0 : 1 + below(f, PAGE_BYTES - 1));
    default: /* a hole past its memory */
        return f->mem + below(f, 64) * PAGE_BYTES;
    }
}

static void grant_copy_ptr(struct fuzzer *f, struct hv_grant_copy_ptr *p, int gref, int dest)
{
    const uint16_t offsets[] = {0, 0, 1, 8, 2048, 4088, 4095, 4096, 65535};

    p->frame = gref ? grant_ref(f) : dest ? safe_gfn(f) : any_gfn(f);
    p->domid = (uint16_t)domid(f);
    p->offset = PICK(f, offsets);
}

/* One element of a grant batch, valid before mutation. */
static void grant_element(struct fuzzer *f, unsigned int cmd, uint8_t *el)
{
    const uint16_t lengths[] = {0, 1, 8, 64, 4096, 4097, 65535};

    switch (cmd) {
    case HV_GNTOP_map: {
        struct hv_grant_map m = {.gpa = map_gpa(f),
                                 .ref = (uint32_t)grant_ref(f),
                                 .domid = (uint16_t)domid(f),
                                 .flags = (uint16_t)(below(f, 8) ? below(f, 2) : rnd(f))};
        memcpy(el, &m, sizeof(m));
        break;
    }
    case HV_GNTOP_unmap: {
        struct hv_grant_unmap u = {.handle = f->nmaps && below(f, 2)
                                                 ? f->handles[below(f, f->nmaps)]
                                                 : (uint32_t)grant_ref(f)};
        memcpy(el, &u, sizeof(u));
        break;
    }
    case HV_GNTOP_copy: {
        struct hv_grant_copy g = {.flags = (uint16_t)(below(f, 8) ? below(f, 4) : rnd(f))};

        grant_copy_ptr(f, &g.source, g.flags & HV_GNTCOPY_source_gref, 0);
        grant_copy_ptr(f, &g.dest, g.flags & HV_GNTCOPY_dest_gref, 1);
        g.length = below(f, 2) ? (uint16_t)(1 + below(f, 64)) : PICK(f, lengths);
        memcpy(el, &g, sizeof(g));
        break;
    }
    default: { /* end_access, query: a reference of its own */
        uint32_t ref = (uint32_t)grant_ref(f);

        memcpy(el, &ref, sizeof(ref));
    }
    }
}

static const size_t grant_sizes[] = {
    [HV_GNTOP_map] = sizeof(struct hv_grant_map),
    [HV_GNTOP_unmap] = sizeof(struct hv_grant_unmap),
    [HV_GNTOP_copy] = sizeof(struct hv_grant_copy),
    [HV_GNTOP_end_access] = sizeof(struct hv_grant_end_access),
    [HV_GNTOP_query] = sizeof(struct hv_grant_query),
};

/* A copy whose destination is a frame of its own must stay inside the
 * arena, whatever the mutation made of it. So must one through a grant
 * reference of its own, whose entry may be any bytes (the table may be
 * anywhere in the arena): those go to another domain instead. */
static void grant_fix_copy(struct fuzzer *f, struct hv_grant_copy *g)
{
    uint64_t first = arena_gfn(f, 0);

    if ((g->flags & HV_GNTCOPY_dest_gref) && g->dest.domid == f->self)
        g->dest.domid = (uint16_t)(f->self + 1);
    if (!(g->flags & HV_GNTCOPY_dest_gref) && g->dest.frame < f->mem / PAGE_BYTES &&
        (g->dest.frame < first || g->dest.frame >= first + ARENA_PAGES))
        g->dest.frame = first + below(f, ARENA_PAGES);
}

static void gen_grant(struct fuzzer *f, struct call *c)
{
    static uint8_t batch[(HV_GRANT_BATCH_MAX + 1) * sizeof(struct hv_grant_copy)];
    unsigned int cmd = (unsigned int)(below(f, 12) ? below(f, 6) : 6 + below(f, 3));
    uint64_t n, gfn, first = arena_gfn(f, SCRATCH_PAGES);
    size_t size;

    if (below(f, 4) == 0)
        scribble_table(f);
    c->a[0] = cmd;
    if (cmd == HV_GNTOP_setup_table) {
        gfn = below(f, 2) ? first : safe_gfn(f);
        n = below(f, 4) ? 1 + below(f, HV_GRANT_TABLE_FRAMES_MAX) : count(f, 4);
        /* Its table is written by the hypervisor: keep it in the arena. */
        if (gfn < f->mem / PAGE_BYTES && n <= HV_GRANT_TABLE_FRAMES_MAX &&
            gfn + n > arena_gfn(f, ARENA_PAGES))
            gfn = first;
        c->a[1] = (long)gfn;
        c->a[2] = (long)n;
        return;
    }
    size = cmd < ARRAY_SIZE(grant_sizes) ? grant_sizes[cmd] : 16;
    n = count(f, HV_GRANT_BATCH_MAX);
    /* The elements the call may read (and one more). */
    for (unsigned int i = 0; i <= HV_GRANT_BATCH_MAX && i <= n; i++) {
        grant_element(f, cmd, batch + i * size);
        mutate(f, batch + i * size, size);
        if (cmd == HV_GNTOP_copy)
            grant_fix_copy(f, (struct hv_grant_copy *)(void *)(batch + i * size));
    }
    c->a[1] = (long)place(f, c, batch, n <= HV_GRANT_BATCH_MAX + 1 ? n * size : sizeof(batch));
    c->a[2] = (long)n;
    if (n == 0 || n > HV_GRANT_BATCH_MAX || cmd >= ARRAY_SIZE(grant_sizes))
        c->expect = EXPECT_ANY, c->marker = NULL;
}

/* Control operations: valid-looking structures naming the other domains,
 * all of which an ordinary domain must be refused. */
static void gen_control(struct fuzzer *f, struct call *c)
{
    uint32_t w[16];

    for (unsigned int i = 0; i < ARRAY_SIZE(w); i++)
        w[i] = (uint32_t)(i % 2 ? small_or_edge(f) : domid(f));
    c->a[0] = (long)(below(f, 8) ? below(f, 12) : small_or_edge(f));
    c->a[1] = below(f, 4) ? (long)domid(f) : (long)place(f, c, w, sizeof(w));
    c->marker = NULL;
    c->expect = EXPECT_EPERM;
}

void gen_call(struct fuzzer *f, struct call *c)
{
    /* Weights: the interfaces that share things between domains most. */
    static const long numbers[] = {
        HV_HC_console_write, HV_HC_sched_op,   HV_HC_sched_op,   HV_HC_evtchn_op,
        HV_HC_evtchn_op,     HV_HC_evtchn_op,  HV_HC_evtchn_op,  HV_HC_grant_table_op,
        HV_HC_grant_table_op, HV_HC_grant_table_op, HV_HC_grant_table_op, HV_HC_domctl,
        HV_HC_sysctl,        HV_HC_vcpu_op,    HV_HC_memory_op,  HV_HC_memory_op,
        HV_HC_physdev_op,    -1,
    };
    const uint64_t bad_numbers[] = {HV_HC_COUNT, HV_HC_COUNT + 1, 63, 64, 255, 0x100000000ull,
                                    0x100000000ull + HV_HC_domctl, 1ull << 63, UINT64_MAX};

    memset(c, 0, sizeof(*c));
    for (unsigned int i = 0; i < 6; i++)
        c->a[i] = (long)rnd(f); /* what a call does not take is ignored */
    c->nr = PICK(f, numbers);
    switch (c->nr) {
    case HV_HC_console_write:
        gen_console(f, c);
        break;
    case HV_HC_sched_op:
        gen_sched(f, c);
        break;
    case HV_HC_evtchn_op:
        gen_evtchn(f, c);
        break;
    case HV_HC_grant_table_op:
        gen_grant(f, c);
        break;
    case HV_HC_vcpu_op:
        gen_vcpu(f, c);
        break;
    case HV_HC_memory_op:
        gen_memory(f, c);
        break;
    case HV_HC_domctl:
    case HV_HC_sysctl:
    case HV_HC_physdev_op:
        gen_control(f, c);
        break;
    default:
        c->nr = (long)PICK(f, bad_numbers);
        c->expect = EXPECT_ENOSYS;
    }
}

static void remember_port(struct fuzzer *f, uint32_t p)
{
    f->ports_got++;
    if (f->nports < TRACKED)
        f->ports[f->nports++] = p;
    else
        f->ports[below(f, TRACKED)] = p;
}

static void remember_map(struct fuzzer *f, uint64_t gpa, uint32_t handle)
{
    unsigned int i = f->nmaps < TRACKED ? f->nmaps++ : (unsigned int)below(f, TRACKED);

    f->maps_got++;
    f->map_gpa[i] = gpa;
    f->handles[i] = handle;
}

/* Results are read back only from scratch, the one place both it and the
 * hypervisor write. */
static const uint8_t *in_scratch(struct fuzzer *f, long gpa, size_t size)
{
    uint8_t *p = (uint8_t *)(uintptr_t)gpa;

    if (p < scratch_page(f, 0) || p + size > scratch_page(f, SCRATCH_PAGES))
        return NULL;
    return p;
}

void gen_learn(struct fuzzer *f, const struct call *c, long result)
{
    const uint8_t *p;

    if (result < 0)
        return;
    if (c->nr == HV_HC_evtchn_op &&
        (c->a[0] == HV_EVTCHN_alloc_unbound || c->a[0] == HV_EVTCHN_bind_interdomain ||
         c->a[0] == HV_EVTCHN_bind_virq) &&
        (p = in_scratch(f, c->a[1], 16))) {
        uint32_t w[4];

        memcpy(w, p, sizeof(w));
        remember_port(f, c->a[0] == HV_EVTCHN_alloc_unbound ? w[1] : w[2]);
    }
    if (c->nr == HV_HC_grant_table_op && c->a[0] == HV_GNTOP_map &&
        (uint64_t)c->a[2] <= HV_GRANT_BATCH_MAX &&
        (p = in_scratch(f, c->a[1], (size_t)c->a[2] * sizeof(struct hv_grant_map)))) {
        for (long i = 0; i < c->a[2]; i++) {
            struct hv_grant_map m;

            memcpy(&m, p + i * (long)sizeof(m), sizeof(m));
            if (m.status == 0)
                remember_map(f, m.gpa, m.handle);
        }
    }
}

void gen_init(struct fuzzer *f, uint64_t seed)
{
    f->rng = seed;
    /* Its first table page as its grant table, to begin with. */
    hv_grant_table_op(HV_GNTOP_setup_table, (long)arena_gfn(f, SCRATCH_PAGES), 1);
}
