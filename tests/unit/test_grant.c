/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of grant tables on the host machine, through the hypercall as
 * a guest makes it (arrays in guest memory): setting up a table, mapping
 * read-write and read-only, unmapping, copying in every direction,
 * retiring references, hostile arguments, and either side dying with
 * mappings in place. The frame-accounting audit runs after every step, and
 * every test ends with the free frames exactly where they started.
 */
#include "unit.h"

#include "host_machine.h"

#include <hv/arch.h>
#include <hv/audit.h>
#include <hv/domain.h>
#include <hv/page_alloc.h>
#include <public/hv.h>
#include <string.h>

#define MIB (1ull << 20)
#define MEM (4 * MIB)
#define TABLE_GFN 0x100ull    /* the table: frames 0x100-0x103 of each granter */
#define ARRAY_GPA 0x200000ull /* where the tests put hypercall arrays */
#define DATA_GFN 0x300ull     /* granted frames from here on */
#define HOLE (8 * MIB)        /* above every test domain's memory */

#define AUDIT() assert_int_equal(audit_frames(), 0)

static uint64_t free_at_start;

static int setup(void **state)
{
    host_machine_init(8192); /* 32 MiB */
    free_at_start = host_free_frames();
    return 0;
}

static int teardown(void **state)
{
    /* Every test leaves nothing behind. */
    assert_int_equal(domain_count(), 0);
    assert_int_equal(host_free_frames(), free_at_start);
    assert_int_equal(audit_frames(), 0);
    return 0;
}

/* grant_table_op(cmd, ARRAY_GPA, count) with the count elements of elems
 * put into d's memory first and read back after. */
static int64_t op(struct domain *d, uint64_t cmd, void *elems, size_t size, uint64_t count)
{
    uint64_t args[6] = {cmd, ARRAY_GPA, count};
    int64_t ret;

    assert_int_equal(copy_to_guest(d, ARRAY_GPA, elems, size * count), 0);
    ret = hypercall_dispatch(d->vcpu[0], HV_HC_grant_table_op, args);
    assert_int_equal(copy_from_guest(d, elems, ARRAY_GPA, size * count), 0);
    return ret;
}

static int64_t raw_op(struct domain *d, uint64_t cmd, uint64_t arg, uint64_t count)
{
    uint64_t args[6] = {cmd, arg, count};

    return hypercall_dispatch(d->vcpu[0], HV_HC_grant_table_op, args);
}

static void setup_table(struct domain *d)
{
    uint8_t zero[PAGE_SIZE] = {0};

    for (uint64_t i = 0; i < HV_GRANT_TABLE_FRAMES_MAX; i++)
        assert_int_equal(copy_to_guest(d, (TABLE_GFN + i) << PAGE_SHIFT, zero, sizeof(zero)), 0);
    assert_int_equal(raw_op(d, HV_GNTOP_setup_table, TABLE_GFN, HV_GRANT_TABLE_FRAMES_MAX), 0);
}

/* The granter writes entry ref of its table. */
static void grant(struct domain *d, uint32_t ref, uint32_t domid, uint32_t gfn, uint16_t flags)
{
    struct hv_grant_entry e = {.flags = flags, .domid = (uint16_t)domid, .gfn = gfn};

    assert_int_equal(copy_to_guest(d, (TABLE_GFN << PAGE_SHIFT) + ref * sizeof(e), &e, sizeof(e)),
                     0);
}

static struct hv_grant_entry entry(struct domain *d, uint32_t ref)
{
    struct hv_grant_entry e;

    assert_int_equal(copy_from_guest(d, &e, (TABLE_GFN << PAGE_SHIFT) + ref * sizeof(e), sizeof(e)),
                     0);
    return e;
}

static int32_t map(struct domain *d, uint32_t granter, uint32_t ref, uint64_t gpa, uint16_t flags,
                   uint32_t *handle)
{
    struct hv_grant_map m = {.gpa = gpa, .ref = ref, .domid = (uint16_t)granter, .flags = flags};

    assert_int_equal(op(d, HV_GNTOP_map, &m, sizeof(m), 1), 0);
    if (handle)
        *handle = m.handle;
    if (m.status)
        assert_int_equal(m.handle, UINT32_MAX);
    return m.status;
}

static int32_t unmap(struct domain *d, uint32_t handle)
{
    struct hv_grant_unmap u = {.handle = handle};

    assert_int_equal(op(d, HV_GNTOP_unmap, &u, sizeof(u), 1), 0);
    return u.status;
}

static int32_t end_access(struct domain *d, uint32_t ref)
{
    struct hv_grant_end_access e = {.ref = ref};

    assert_int_equal(op(d, HV_GNTOP_end_access, &e, sizeof(e), 1), 0);
    return e.status;
}

static struct hv_grant_query query(struct domain *d, uint32_t ref)
{
    struct hv_grant_query q = {.ref = ref};

    assert_int_equal(op(d, HV_GNTOP_query, &q, sizeof(q), 1), 0);
    return q;
}

static int32_t copy(struct domain *d, struct hv_grant_copy c)
{
    assert_int_equal(op(d, HV_GNTOP_copy, &c, sizeof(c), 1), 0);
    return c.status;
}

static mfn_t frame_of(struct domain *d, uint64_t gfn, unsigned int *perms)
{
    mfn_t mfn;
    unsigned int p;

    assert_int_equal(arch_p2m_lookup(d, _gfn(gfn), &mfn, perms ? perms : &p), 0);
    return mfn;
}

static bool mapped(struct domain *d, uint64_t gpa)
{
    mfn_t mfn;
    unsigned int perms;

    return arch_p2m_lookup(d, _gfn(gpa >> PAGE_SHIFT), &mfn, &perms) == 0;
}

static void fill(struct domain *d, uint64_t gfn, uint8_t value)
{
    uint8_t buf[PAGE_SIZE];

    memset(buf, value, sizeof(buf));
    assert_int_equal(copy_to_guest(d, gfn << PAGE_SHIFT, buf, sizeof(buf)), 0);
}

static uint8_t byte_at(struct domain *d, uint64_t gpa)
{
    uint8_t b;

    assert_int_equal(copy_from_guest(d, &b, gpa, 1), 0);
    return b;
}

/* ---- tests ------------------------------------------------------------- */

static void test_setup_table(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    uint64_t before;
    uint32_t h;

    /* Before a table exists, every reference is out of range. */
    assert_int_equal(map(b, 1, 0, HOLE, 0, NULL), -HV_EINVAL);
    assert_int_equal(end_access(a, 0), -HV_EINVAL);
    assert_int_equal(query(a, 0).status, -HV_EINVAL);
    AUDIT();
    before = host_free_frames();
    assert_int_equal(raw_op(a, HV_GNTOP_setup_table, TABLE_GFN, 0), -HV_EINVAL);
    assert_int_equal(raw_op(a, HV_GNTOP_setup_table, TABLE_GFN, HV_GRANT_TABLE_FRAMES_MAX + 1),
                     -HV_E2BIG);
    assert_int_equal(raw_op(a, HV_GNTOP_setup_table, TABLE_GFN, UINT64_MAX), -HV_E2BIG);
    assert_int_equal(raw_op(a, HV_GNTOP_setup_table, MEM >> PAGE_SHIFT, 1), -HV_EFAULT);
    assert_int_equal(raw_op(a, HV_GNTOP_setup_table, (MEM >> PAGE_SHIFT) - 1, 2), -HV_EFAULT);
    assert_int_equal(raw_op(a, HV_GNTOP_setup_table, UINT64_MAX, 2), -HV_EFAULT);
    assert_int_equal(host_free_frames(), before);
    AUDIT();

    /* One frame: refs 0-511; then the full four. */
    assert_int_equal(raw_op(a, HV_GNTOP_setup_table, TABLE_GFN, 1), 0);
    assert_int_equal(query(a, HV_GRANT_ENTRIES_PER_FRAME - 1).status, 0);
    assert_int_equal(query(a, HV_GRANT_ENTRIES_PER_FRAME).status, -HV_EINVAL);
    setup_table(a);
    assert_int_equal(query(a, 4 * HV_GRANT_ENTRIES_PER_FRAME - 1).status, 0);
    assert_int_equal(query(a, 4 * HV_GRANT_ENTRIES_PER_FRAME).status, -HV_EINVAL);
    AUDIT();

    /* Moving the table is refused while a reference is mapped. */
    grant(a, 3, b->id, DATA_GFN, HV_GTF_permit_access);
    assert_int_equal(map(b, a->id, 3, HOLE, 0, &h), 0);
    assert_int_equal(raw_op(a, HV_GNTOP_setup_table, TABLE_GFN, 1), -HV_EBUSY);
    assert_int_equal(unmap(b, h), 0);
    assert_int_equal(raw_op(a, HV_GNTOP_setup_table, TABLE_GFN, 1), 0);
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
}

static void test_map_read_write(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    unsigned int perms;
    uint32_t h;
    mfn_t mfn;

    setup_table(a);
    fill(a, DATA_GFN, 0x11);
    grant(a, 5, b->id, DATA_GFN, HV_GTF_permit_access);
    AUDIT();
    assert_int_equal(map(b, a->id, 5, HOLE, 0, &h), 0);
    AUDIT();

    /* b's p2m has a's frame, readable and writable, not executable. */
    mfn = frame_of(b, HOLE >> PAGE_SHIFT, &perms);
    assert_true(mfn_eq(mfn, frame_of(a, DATA_GFN, NULL)));
    assert_int_equal(perms, P2M_R | P2M_W);
    assert_int_equal(mfn_to_page(mfn)->count, 1);
    assert_ptr_equal(mfn_to_page(mfn)->owner, a);

    /* What b writes through the mapping, a reads in its own frame. */
    ((uint8_t *)arch_frame_virt(mfn))[7] = 0x77;
    assert_int_equal(byte_at(a, (DATA_GFN << PAGE_SHIFT) + 7), 0x77);
    assert_int_equal(byte_at(a, (DATA_GFN << PAGE_SHIFT) + 8), 0x11);

    /* The granter sees it mapped, in its entry and through query. */
    assert_int_equal(entry(a, 5).flags, HV_GTF_permit_access | HV_GTF_mapped | HV_GTF_mapped_rw);
    assert_int_equal(query(a, 5).maps, 1);
    assert_int_equal(query(a, 5).writers, 1);
    assert_int_equal(query(a, 5).grantee, b->id);

    /* The same reference twice, at another address. */
    uint32_t h2;
    assert_int_equal(map(b, a->id, 5, HOLE + PAGE_SIZE, 0, &h2), 0);
    assert_int_not_equal(h, h2);
    assert_int_equal(mfn_to_page(mfn)->count, 2);
    assert_int_equal(query(a, 5).maps, 2);
    AUDIT();

    assert_int_equal(unmap(b, h), 0);
    assert_false(mapped(b, HOLE));
    assert_int_equal(mfn_to_page(mfn)->count, 1);
    AUDIT();
    assert_int_equal(unmap(b, h2), 0);
    assert_int_equal(mfn_to_page(mfn)->count, 0);
    assert_int_equal(entry(a, 5).flags, HV_GTF_permit_access);
    assert_int_equal(query(a, 5).maps, 0);
    AUDIT();
    domain_destroy(b);
    domain_destroy(a);
}

static void test_map_read_only(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    unsigned int perms;
    uint32_t h, h2;

    setup_table(a);
    grant(a, 9, b->id, DATA_GFN, HV_GTF_permit_access | HV_GTF_readonly);
    /* A read-only grant cannot be mapped writable... */
    assert_int_equal(map(b, a->id, 9, HOLE, 0, NULL), -HV_EACCES);
    assert_false(mapped(b, HOLE));
    AUDIT();
    /* ...only read-only, and the p2m enforces it. */
    assert_int_equal(map(b, a->id, 9, HOLE, HV_GNTMAP_readonly, &h), 0);
    frame_of(b, HOLE >> PAGE_SHIFT, &perms);
    assert_int_equal(perms, P2M_R);
    assert_int_equal(entry(a, 9).flags, HV_GTF_permit_access | HV_GTF_readonly | HV_GTF_mapped);
    assert_int_equal(query(a, 9).writers, 0);
    AUDIT();

    /* A read-write grant may be mapped read-only as well as read-write. */
    grant(a, 10, b->id, DATA_GFN + 1, HV_GTF_permit_access);
    assert_int_equal(map(b, a->id, 10, HOLE + PAGE_SIZE, HV_GNTMAP_readonly, &h2), 0);
    frame_of(b, (HOLE + PAGE_SIZE) >> PAGE_SHIFT, &perms);
    assert_int_equal(perms, P2M_R);
    AUDIT();
    assert_int_equal(unmap(b, h), 0);
    assert_int_equal(unmap(b, h2), 0);
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
}

static void test_unmap_errors(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    uint32_t h;

    /* Before b ever mapped anything. */
    assert_int_equal(unmap(b, 0), -HV_EINVAL);
    setup_table(a);
    grant(a, 0, b->id, DATA_GFN, HV_GTF_permit_access);
    assert_int_equal(map(b, a->id, 0, HOLE, 0, &h), 0);
    assert_int_equal(unmap(b, h + 1), -HV_EINVAL);
    assert_int_equal(unmap(b, HV_GRANT_MAPS_MAX), -HV_EINVAL);
    assert_int_equal(unmap(b, UINT32_MAX), -HV_EINVAL);
    /* a cannot unmap b's mapping: handles are per domain. */
    assert_int_equal(unmap(a, h), -HV_EINVAL);
    assert_true(mapped(b, HOLE));
    AUDIT();
    assert_int_equal(unmap(b, h), 0);
    assert_int_equal(unmap(b, h), -HV_EINVAL); /* twice */
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
}

static struct hv_grant_copy copy_op(uint64_t src, uint16_t src_dom, uint16_t src_off, uint64_t dst,
                                    uint16_t dst_dom, uint16_t dst_off, uint16_t len,
                                    uint16_t flags)
{
    return (struct hv_grant_copy){
        .source = {.frame = src, .domid = src_dom, .offset = src_off},
        .dest = {.frame = dst, .domid = dst_dom, .offset = dst_off},
        .length = len,
        .flags = flags,
    };
}

static void test_copy(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    const uint16_t src_gref = HV_GNTCOPY_source_gref, dst_gref = HV_GNTCOPY_dest_gref;
    const uint64_t b_gfn = 0x310;
    struct hv_grant_copy c;

    setup_table(a);
    fill(a, DATA_GFN, 0xaa);
    fill(a, DATA_GFN + 1, 0xbb);
    fill(b, b_gfn, 0x22);
    grant(a, 1, b->id, DATA_GFN, HV_GTF_permit_access);
    grant(a, 2, b->id, DATA_GFN + 1, HV_GTF_permit_access | HV_GTF_readonly);

    /* b's own frame into a's granted one. */
    assert_int_equal(copy(b, copy_op(b_gfn, 0, 0, 1, a->id, 100, 50, dst_gref)), 0);
    assert_int_equal(byte_at(a, (DATA_GFN << PAGE_SHIFT) + 99), 0xaa);
    assert_int_equal(byte_at(a, (DATA_GFN << PAGE_SHIFT) + 100), 0x22);
    assert_int_equal(byte_at(a, (DATA_GFN << PAGE_SHIFT) + 149), 0x22);
    assert_int_equal(byte_at(a, (DATA_GFN << PAGE_SHIFT) + 150), 0xaa);
    /* a's read-only grant into b's own frame: a whole page. */
    assert_int_equal(copy(b, copy_op(2, a->id, 0, b_gfn, 0, 0, PAGE_SIZE, src_gref)), 0);
    assert_int_equal(byte_at(b, b_gfn << PAGE_SHIFT), 0xbb);
    assert_int_equal(byte_at(b, ((b_gfn + 1) << PAGE_SHIFT) - 1), 0xbb);
    /* Grant to grant. */
    assert_int_equal(copy(b, copy_op(2, a->id, 0, 1, a->id, 0, 10, src_gref | dst_gref)), 0);
    assert_int_equal(byte_at(a, DATA_GFN << PAGE_SHIFT), 0xbb);
    /* Own to own, and within one frame (overlapping). */
    fill(b, b_gfn + 1, 0x33);
    assert_int_equal(copy(b, copy_op(b_gfn + 1, 0, 0, b_gfn, 0, 1, 1, 0)), 0);
    assert_int_equal(byte_at(b, (b_gfn << PAGE_SHIFT) + 1), 0x33);
    assert_int_equal(copy(b, copy_op(b_gfn, 0, 0, b_gfn, 0, 1, 100, 0)), 0);
    assert_int_equal(byte_at(b, (b_gfn << PAGE_SHIFT) + 2), 0x33);
    /* Length 0 is a no-op. */
    assert_int_equal(copy(b, copy_op(b_gfn, 0, 0, 1, a->id, 0, 0, dst_gref)), 0);
    AUDIT();

    /* Offsets and lengths must stay inside one page. */
    assert_int_equal(copy(b, copy_op(b_gfn, 0, 1, 1, a->id, 0, PAGE_SIZE, dst_gref)), -HV_EINVAL);
    assert_int_equal(copy(b, copy_op(b_gfn, 0, 0, 1, a->id, PAGE_SIZE - 1, 2, dst_gref)),
                     -HV_EINVAL);
    assert_int_equal(copy(b, copy_op(b_gfn, 0, PAGE_SIZE, 1, a->id, 0, 0, dst_gref)), -HV_EINVAL);
    assert_int_equal(copy(b, copy_op(b_gfn, 0, 0, 1, a->id, 0, PAGE_SIZE + 1, dst_gref)),
                     -HV_EINVAL);
    c = copy_op(b_gfn, 0, 0, 1, a->id, 0, 8, dst_gref);
    c.dest.pad = 1;
    assert_int_equal(copy(b, c), -HV_EINVAL);
    assert_int_equal(copy(b, copy_op(b_gfn, 0, 0, 1, a->id, 0, 8, 4)), -HV_EINVAL);
    /* A read-only grant is no destination. */
    assert_int_equal(copy(b, copy_op(b_gfn, 0, 0, 2, a->id, 0, 8, dst_gref)), -HV_EACCES);
    /* Bad references and granters. */
    assert_int_equal(copy(b, copy_op(3, a->id, 0, b_gfn, 0, 0, 8, src_gref)), -HV_EACCES);
    assert_int_equal(
        copy(b, copy_op(4 * HV_GRANT_ENTRIES_PER_FRAME, a->id, 0, b_gfn, 0, 0, 8, src_gref)),
        -HV_EINVAL);
    assert_int_equal(copy(b, copy_op(1ull << 40, a->id, 0, b_gfn, 0, 0, 8, src_gref)), -HV_EINVAL);
    assert_int_equal(copy(b, copy_op(1, 7, 0, b_gfn, 0, 0, 8, src_gref)), -HV_ESRCH);
    assert_int_equal(copy(b, copy_op(1, 0xffff, 0, b_gfn, 0, 0, 8, src_gref)), -HV_ESRCH);
    /* a's grants are b's, not a's own to use. */
    assert_int_equal(copy(a, copy_op(1, a->id, 0, DATA_GFN + 5, 0, 0, 8, src_gref)), -HV_EACCES);
    /* Frames outside the caller's memory. */
    assert_int_equal(copy(b, copy_op(MEM >> PAGE_SHIFT, 0, 0, 1, a->id, 0, 8, dst_gref)),
                     -HV_EFAULT);
    assert_int_equal(copy(b, copy_op(1, a->id, 0, UINT64_MAX, 0, 0, 8, src_gref)), -HV_EFAULT);
    assert_int_equal(byte_at(a, (DATA_GFN << PAGE_SHIFT) + 20), 0xaa); /* nothing copied */
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
}

static void test_end_access(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    uint32_t h;

    setup_table(a);
    grant(a, 4, b->id, DATA_GFN, HV_GTF_permit_access);
    assert_int_equal(map(b, a->id, 4, HOLE, 0, &h), 0);
    /* Refused while mapped: nothing changes. */
    assert_int_equal(end_access(a, 4), -HV_EBUSY);
    assert_int_equal(entry(a, 4).flags, HV_GTF_permit_access | HV_GTF_mapped | HV_GTF_mapped_rw);
    assert_true(mapped(b, HOLE));
    AUDIT();
    /* Fine after the unmap; the entry is cleared and cannot be used. */
    assert_int_equal(unmap(b, h), 0);
    assert_int_equal(end_access(a, 4), 0);
    assert_int_equal(entry(a, 4).flags, 0);
    assert_int_equal(map(b, a->id, 4, HOLE, 0, NULL), -HV_EACCES);
    assert_int_equal(copy(b, copy_op(4, a->id, 0, 0x310, 0, 0, 8, HV_GNTCOPY_source_gref)),
                     -HV_EACCES);
    /* A reference that was never used, and ones beyond the table. */
    assert_int_equal(end_access(a, 100), 0);
    assert_int_equal(end_access(a, 4 * HV_GRANT_ENTRIES_PER_FRAME), -HV_EINVAL);
    assert_int_equal(end_access(a, UINT32_MAX), -HV_EINVAL);
    /* b has no table: it cannot end a's references. */
    assert_int_equal(end_access(b, 4), -HV_EINVAL);
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
}

static void test_entry_changed_while_mapped(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1),
                  *c = host_domain(3, MEM, 1);
    uint32_t h;
    mfn_t first = _mfn(0);

    setup_table(a);
    grant(a, 6, b->id, DATA_GFN, HV_GTF_permit_access);
    assert_int_equal(map(b, a->id, 6, HOLE, 0, &h), 0);
    first = frame_of(a, DATA_GFN, NULL);
    /* The granter points the entry elsewhere: the mapping stays where it
     * was, and new maps of the reference are refused until it is unmapped. */
    grant(a, 6, b->id, DATA_GFN + 1, HV_GTF_permit_access);
    assert_true(mfn_eq(frame_of(b, HOLE >> PAGE_SHIFT, NULL), first));
    assert_int_equal(map(b, a->id, 6, HOLE + PAGE_SIZE, 0, NULL), -HV_EBUSY);
    /* Or hands it to another domain. */
    grant(a, 6, c->id, DATA_GFN, HV_GTF_permit_access);
    assert_int_equal(map(c, a->id, 6, HOLE, 0, NULL), -HV_EBUSY);
    /* Clearing the flag by hand stops new uses only. */
    grant(a, 6, b->id, DATA_GFN, 0);
    assert_int_equal(map(b, a->id, 6, HOLE + PAGE_SIZE, 0, NULL), -HV_EACCES);
    assert_int_equal(query(a, 6).maps, 1);
    assert_int_equal(end_access(a, 6), -HV_EBUSY);
    AUDIT();
    assert_int_equal(unmap(b, h), 0);
    assert_int_equal(end_access(a, 6), 0);
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
    domain_destroy(c);
}

static void test_bad_references(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1),
                  *c = host_domain(3, MEM, 1);
    uint64_t before;

    setup_table(a);
    grant(a, 1, b->id, DATA_GFN, HV_GTF_permit_access);
    grant(a, 2, b->id, DATA_GFN, HV_GTF_readonly);      /* not permitted */
    grant(a, 3, c->id, DATA_GFN, HV_GTF_permit_access); /* for c */
    grant(a, 4, b->id, DATA_GFN, HV_GTF_permit_access | HV_GTF_readonly);
    grant(a, 5, b->id, MEM >> PAGE_SHIFT, HV_GTF_permit_access); /* beyond a's memory */
    grant(a, 6, b->id, UINT32_MAX, HV_GTF_permit_access);
    AUDIT();
    before = host_free_frames();

    assert_int_equal(map(b, a->id, 4 * HV_GRANT_ENTRIES_PER_FRAME, HOLE, 0, NULL), -HV_EINVAL);
    assert_int_equal(map(b, a->id, UINT32_MAX, HOLE, 0, NULL), -HV_EINVAL);
    assert_int_equal(map(b, a->id, 2, HOLE, 0, NULL), -HV_EACCES);
    assert_int_equal(map(b, a->id, 3, HOLE, 0, NULL), -HV_EACCES);
    assert_int_equal(map(b, a->id, 4, HOLE, 0, NULL), -HV_EACCES);
    assert_int_equal(map(b, a->id, 5, HOLE, 0, NULL), -HV_EINVAL);
    assert_int_equal(map(b, a->id, 6, HOLE, 0, NULL), -HV_EINVAL);
    assert_int_equal(map(b, a->id, 7, HOLE, 0, NULL), -HV_EACCES); /* empty entry */
    /* No such granter; the caller itself. */
    assert_int_equal(map(b, 9, 1, HOLE, 0, NULL), -HV_ESRCH);
    assert_int_equal(map(b, DOMAIN_MAX, 1, HOLE, 0, NULL), -HV_ESRCH);
    assert_int_equal(map(b, 0xffff, 1, HOLE, 0, NULL), -HV_ESRCH);
    assert_int_equal(map(a, a->id, 1, HOLE, 0, NULL), -HV_EINVAL);
    /* Bad addresses and flags. */
    assert_int_equal(map(b, a->id, 1, HOLE + 1, 0, NULL), -HV_EINVAL);
    assert_int_equal(map(b, a->id, 1, HV_GRANT_MAP_GPA_LIMIT, 0, NULL), -HV_EINVAL);
    assert_int_equal(map(b, a->id, 1, UINT64_MAX & PAGE_MASK, 0, NULL), -HV_EINVAL);
    assert_int_equal(map(b, a->id, 1, HOLE, 2, NULL), -HV_EINVAL);
    assert_int_equal(map(b, a->id, 1, HOLE, 0xffff, NULL), -HV_EINVAL);
    /* Nothing was mapped, nothing allocated. */
    assert_false(mapped(b, HOLE));
    assert_int_equal(query(a, 1).maps, 0);
    assert_int_equal(host_free_frames(), before);
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
    domain_destroy(c);
}

static void test_foreign_frame_numbers(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1),
                  *c = host_domain(3, MEM, 1);
    uint32_t h;

    /* b maps a's frame, then tries to grant it on to c as if it were its own. */
    setup_table(a);
    setup_table(b);
    grant(a, 1, b->id, DATA_GFN, HV_GTF_permit_access);
    assert_int_equal(map(b, a->id, 1, HOLE, 0, &h), 0);
    grant(b, 1, c->id, HOLE >> PAGE_SHIFT, HV_GTF_permit_access);
    assert_int_equal(map(c, b->id, 1, HOLE, 0, NULL), -HV_EINVAL);
    assert_int_equal(copy(c, copy_op(1, b->id, 0, 0x310, 0, 0, 8, HV_GNTCOPY_source_gref)),
                     -HV_EINVAL);
    /* A frame number is always read in the granter's own space: a
     * machine frame of a's, named by b, is at most one of b's own. */
    mfn_t a_frame = frame_of(a, DATA_GFN, NULL);
    uint32_t hc;
    grant(b, 2, c->id, (uint32_t)mfn_x(a_frame), HV_GTF_permit_access);
    if (map(c, b->id, 2, HOLE, 0, &hc) == 0) {
        assert_ptr_equal(mfn_to_page(frame_of(c, HOLE >> PAGE_SHIFT, NULL))->owner, b);
        AUDIT();
        assert_int_equal(unmap(c, hc), 0);
    }
    assert_int_equal(mfn_to_page(a_frame)->count, 1); /* b's mapping only */
    /* Copies name only the caller's own memory by frame number. */
    assert_int_equal(copy(b, copy_op(HOLE >> PAGE_SHIFT, 0, 0, 0x310, 0, 0, 8, 0)), -HV_EFAULT);
    assert_int_equal(copy(b, copy_op(0x310, 0, 0, HOLE >> PAGE_SHIFT, 0, 0, 8, 0)), -HV_EFAULT);
    /* Hypercall arrays must be in the caller's own memory. */
    assert_int_equal(raw_op(b, HV_GNTOP_query, HOLE, 1), -HV_EFAULT);
    assert_false(mapped(c, HOLE));
    AUDIT();
    assert_int_equal(unmap(b, h), 0);
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
    domain_destroy(c);
}

static void test_huge_counts_and_bad_arrays(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    struct hv_grant_map maps[HV_GRANT_BATCH_MAX];
    struct hv_grant_unmap unmaps[HV_GRANT_BATCH_MAX];

    setup_table(a);
    for (uint32_t i = 0; i < HV_GRANT_BATCH_MAX; i++)
        grant(a, i, b->id, (uint32_t)(DATA_GFN + i), HV_GTF_permit_access);
    for (uint64_t cmd = HV_GNTOP_map; cmd <= HV_GNTOP_query; cmd++) {
        assert_int_equal(raw_op(b, cmd, ARRAY_GPA, HV_GRANT_BATCH_MAX + 1), -HV_E2BIG);
        assert_int_equal(raw_op(b, cmd, ARRAY_GPA, UINT64_MAX), -HV_E2BIG);
        assert_int_equal(raw_op(b, cmd, ARRAY_GPA, 1ull << 32), -HV_E2BIG);
        assert_int_equal(raw_op(b, cmd, MEM, 1), -HV_EFAULT);
        assert_int_equal(raw_op(b, cmd, MEM - 4, 1), -HV_EFAULT);
        assert_int_equal(raw_op(b, cmd, UINT64_MAX - 8, 1), -HV_EFAULT);
        assert_int_equal(raw_op(b, cmd, UINT64_MAX, 0), 0); /* nothing to do */
    }
    assert_int_equal(raw_op(b, 6, ARRAY_GPA, 1), -HV_ENOSYS);
    assert_int_equal(raw_op(b, UINT64_MAX, ARRAY_GPA, 1), -HV_ENOSYS);
    AUDIT();

    /* A full batch, every other element bad: each gets its own status. */
    for (uint32_t i = 0; i < HV_GRANT_BATCH_MAX; i++)
        maps[i] = (struct hv_grant_map){
            .gpa = HOLE + i * PAGE_SIZE, .ref = i, .domid = (uint16_t)(i % 2 ? 9 : a->id)};
    assert_int_equal(op(b, HV_GNTOP_map, maps, sizeof(maps[0]), HV_GRANT_BATCH_MAX), 0);
    for (uint32_t i = 0; i < HV_GRANT_BATCH_MAX; i++) {
        assert_int_equal(maps[i].status, i % 2 ? -HV_ESRCH : 0);
        assert_int_equal(mapped(b, HOLE + i * PAGE_SIZE), i % 2 == 0);
        assert_int_equal(maps[i].gpa, HOLE + i * PAGE_SIZE); /* IN fields untouched */
    }
    AUDIT();
    for (uint32_t i = 0; i < HV_GRANT_BATCH_MAX; i++)
        unmaps[i] = (struct hv_grant_unmap){.handle = maps[i].handle};
    assert_int_equal(op(b, HV_GNTOP_unmap, unmaps, sizeof(unmaps[0]), HV_GRANT_BATCH_MAX), 0);
    for (uint32_t i = 0; i < HV_GRANT_BATCH_MAX; i++)
        assert_int_equal(unmaps[i].status, i % 2 ? -HV_EINVAL : 0);
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
}

static void test_map_over_existing_mapping(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    mfn_t own = frame_of(b, 0x20, NULL);
    uint32_t h;

    setup_table(a);
    grant(a, 1, b->id, DATA_GFN, HV_GTF_permit_access);
    grant(a, 2, b->id, DATA_GFN + 1, HV_GTF_permit_access);
    /* Over b's own memory: refused, b's frame stays. */
    assert_int_equal(map(b, a->id, 1, 0x20 << PAGE_SHIFT, 0, NULL), -HV_EEXIST);
    assert_int_equal(map(b, a->id, 1, 0, 0, NULL), -HV_EEXIST);
    assert_int_equal(map(b, a->id, 1, MEM - PAGE_SIZE, 0, NULL), -HV_EEXIST);
    assert_true(mfn_eq(frame_of(b, 0x20, NULL), own));
    /* Over another grant mapping. */
    assert_int_equal(map(b, a->id, 1, HOLE, 0, &h), 0);
    assert_int_equal(map(b, a->id, 2, HOLE, 0, NULL), -HV_EEXIST);
    assert_int_equal(map(b, a->id, 1, HOLE, 0, NULL), -HV_EEXIST);
    assert_int_equal(query(a, 1).maps, 1);
    assert_int_equal(query(a, 2).maps, 0);
    AUDIT();
    assert_int_equal(unmap(b, h), 0);
    AUDIT();
    domain_destroy(a);
    domain_destroy(b);
}

static void test_mapping_limit(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);

    setup_table(a);
    grant(a, 1, b->id, DATA_GFN, HV_GTF_permit_access);
    for (uint32_t i = 0; i < HV_GRANT_MAPS_MAX; i++)
        assert_int_equal(
            map(b, a->id, 1, HOLE + i * PAGE_SIZE, i % 2 ? HV_GNTMAP_readonly : 0, NULL), 0);
    assert_int_equal(map(b, a->id, 1, HOLE + HV_GRANT_MAPS_MAX * PAGE_SIZE, 0, NULL), -HV_ENOSPC);
    assert_int_equal(mfn_to_page(frame_of(a, DATA_GFN, NULL))->count, HV_GRANT_MAPS_MAX);
    assert_int_equal(query(a, 1).maps, HV_GRANT_MAPS_MAX);
    assert_int_equal(query(a, 1).writers, HV_GRANT_MAPS_MAX / 2);
    AUDIT();
    /* One freed slot is found again. */
    assert_int_equal(unmap(b, 100), 0);
    uint32_t h;
    assert_int_equal(map(b, a->id, 1, HOLE + 100 * PAGE_SIZE, 0, &h), 0);
    assert_int_equal(h, 100);
    AUDIT();
    /* The grantee dies holding them all. */
    domain_destroy(b);
    assert_int_equal(mfn_to_page(frame_of(a, DATA_GFN, NULL))->count, 0);
    assert_int_equal(query(a, 1).maps, 0);
    assert_int_equal(entry(a, 1).flags, HV_GTF_permit_access);
    AUDIT();
    domain_destroy(a);
}

static void test_grantee_dies_with_mappings(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    mfn_t b_frame;

    setup_table(a);
    setup_table(b);
    grant(a, 1, b->id, DATA_GFN, HV_GTF_permit_access);
    grant(a, 2, b->id, DATA_GFN + 1, HV_GTF_permit_access | HV_GTF_readonly);
    grant(b, 1, a->id, DATA_GFN, HV_GTF_permit_access); /* and the other way */
    assert_int_equal(map(b, a->id, 1, HOLE, 0, NULL), 0);
    assert_int_equal(map(b, a->id, 2, HOLE + PAGE_SIZE, HV_GNTMAP_readonly, NULL), 0);
    assert_int_equal(map(a, b->id, 1, HOLE, 0, NULL), 0);
    AUDIT();
    /* b's frame mapped by a outlives b until a unmaps it. */
    b_frame = frame_of(b, DATA_GFN, NULL);
    domain_destroy(b);
    AUDIT();
    assert_int_equal(query(a, 1).maps, 0);
    assert_int_equal(query(a, 2).maps, 0);
    assert_int_equal(entry(a, 1).flags, HV_GTF_permit_access);
    assert_int_equal(mfn_to_page(frame_of(a, DATA_GFN, NULL))->count, 0);
    assert_int_equal(mfn_to_page(b_frame)->state, PAGE_ALLOCATED);
    assert_null(mfn_to_page(b_frame)->owner);
    assert_int_equal(mfn_to_page(b_frame)->count, 1);
    /* A new domain under b's id has nothing to do with that mapping. */
    b = host_domain(2, MEM, 1);
    AUDIT();
    assert_int_equal(end_access(a, 1), 0);
    domain_destroy(b);
    assert_int_equal(mfn_to_page(b_frame)->state, PAGE_ALLOCATED);
    assert_int_equal(unmap(a, 0), 0);
    assert_int_equal(mfn_to_page(b_frame)->state, PAGE_FREE);
    AUDIT();
    domain_destroy(a);
}

static void test_granter_dies_with_mappings(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1),
                  *c = host_domain(3, MEM, 1);
    uint32_t hb, hc, hc2;
    mfn_t frame;

    setup_table(a);
    fill(a, DATA_GFN, 0x5a);
    grant(a, 1, b->id, DATA_GFN, HV_GTF_permit_access);
    grant(a, 2, c->id, DATA_GFN, HV_GTF_permit_access | HV_GTF_readonly);
    grant(a, 3, c->id, 0x150, HV_GTF_permit_access); /* in another 2 MiB block */
    assert_int_equal(map(b, a->id, 1, HOLE, 0, &hb), 0);
    assert_int_equal(map(c, a->id, 2, HOLE, HV_GNTMAP_readonly, &hc), 0);
    assert_int_equal(map(c, a->id, 3, HOLE + PAGE_SIZE, 0, &hc2), 0);
    frame = frame_of(a, DATA_GFN, NULL);
    assert_int_equal(mfn_to_page(frame)->count, 2);
    AUDIT();

    /* a dies: its mapped frames stay where the grantees map them. */
    domain_destroy(a);
    AUDIT();
    assert_true(mfn_eq(frame_of(b, HOLE >> PAGE_SHIFT, NULL), frame));
    assert_null(mfn_to_page(frame)->owner);
    assert_int_equal(mfn_to_page(frame)->count, 2);
    assert_int_equal(((uint8_t *)arch_frame_virt(frame))[0], 0x5a);
    ((uint8_t *)arch_frame_virt(frame))[0] = 0x6b; /* b still writes it */

    /* A new domain under a's id has nothing to do with those mappings. */
    a = host_domain(1, MEM, 1);
    setup_table(a);
    AUDIT();
    assert_int_equal(map(b, a->id, 1, HOLE + PAGE_SIZE, 0, NULL), -HV_EACCES);
    assert_int_equal(query(a, 1).maps, 0);

    /* The last unmap of each block frees it. */
    assert_int_equal(unmap(b, hb), 0);
    assert_int_equal(mfn_to_page(frame)->count, 1);
    AUDIT();
    assert_int_equal(mfn_to_page(frame)->state, PAGE_ALLOCATED);
    assert_int_equal(unmap(c, hc), 0);
    assert_int_equal(mfn_to_page(frame)->state, PAGE_FREE);
    assert_int_equal(unmap(c, hc), -HV_EINVAL);
    AUDIT();
    domain_destroy(a);
    /* c dies still holding the other block's frame. */
    domain_destroy(c);
    AUDIT();
    domain_destroy(b);
}

static void test_both_die(void **state)
{
    /* Each grants the other; destroyed in either order, all comes back. */
    for (int order = 0; order < 2; order++) {
        struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);

        setup_table(a);
        setup_table(b);
        for (uint32_t i = 0; i < 8; i++) {
            grant(a, i, b->id, 0x20 + i * 120, HV_GTF_permit_access); /* two blocks */
            grant(b, i, a->id, (uint32_t)(DATA_GFN + i), HV_GTF_permit_access);
            assert_int_equal(map(b, a->id, i, HOLE + i * PAGE_SIZE, 0, NULL), 0);
            assert_int_equal(map(a, b->id, i, HOLE + i * PAGE_SIZE, HV_GNTMAP_readonly, NULL), 0);
        }
        AUDIT();
        domain_destroy(order ? b : a);
        AUDIT();
        domain_destroy(order ? a : b);
        AUDIT();
        assert_int_equal(host_free_frames(), free_at_start);
    }
}

static void test_audit_catches_errors(void **state)
{
    struct domain *a = host_domain(1, MEM, 1), *b = host_domain(2, MEM, 1);
    mfn_t frame = frame_of(a, DATA_GFN, NULL);
    uint32_t h;

    setup_table(a);
    grant(a, 1, b->id, DATA_GFN, HV_GTF_permit_access);
    assert_int_equal(map(b, a->id, 1, HOLE, 0, &h), 0);
    AUDIT();
    /* A reference too many, or too few. */
    mfn_to_page(frame)->count++;
    assert_int_equal(audit_frames(), -HV_EINVAL);
    mfn_to_page(frame)->count -= 2;
    assert_int_equal(audit_frames(), -HV_EINVAL);
    mfn_to_page(frame)->count++;
    AUDIT();
    /* A foreign frame mapped without a grant. */
    assert_int_equal(arch_p2m_map(b, _gfn((HOLE >> PAGE_SHIFT) + 1), frame, 0, P2M_R), 0);
    assert_int_equal(audit_frames(), -HV_EINVAL);
    assert_int_equal(arch_p2m_unmap(b, _gfn((HOLE >> PAGE_SHIFT) + 1)), 0);
    AUDIT();
    /* A frame of nobody's in a domain's accounting. */
    a->nr_frames++;
    assert_int_equal(audit_frames(), -HV_EINVAL);
    a->nr_frames--;
    AUDIT();
    assert_int_equal(unmap(b, h), 0);
    domain_destroy(a);
    domain_destroy(b);
}

static void test_p2m_unmap(void **state)
{
    struct domain *d = host_domain(1, MEM, 1);

    /* Only single frames outside the populated 2 MiB blocks come out. */
    assert_int_equal(arch_p2m_unmap(d, _gfn(0x10)), -HV_EINVAL);
    assert_int_equal(arch_p2m_unmap(d, _gfn(HOLE >> PAGE_SHIFT)), -HV_ENOENT);
    assert_int_equal(arch_p2m_unmap(d, _gfn(UINT64_MAX)), -HV_ENOENT);
    AUDIT();
    domain_destroy(d);
}

int main(void)
{
#define TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
    const struct CMUnitTest tests[] = {
        TEST(test_setup_table),
        TEST(test_map_read_write),
        TEST(test_map_read_only),
        TEST(test_unmap_errors),
        TEST(test_copy),
        TEST(test_end_access),
        TEST(test_entry_changed_while_mapped),
        TEST(test_bad_references),
        TEST(test_foreign_frame_numbers),
        TEST(test_huge_counts_and_bad_arrays),
        TEST(test_map_over_existing_mapping),
        TEST(test_mapping_limit),
        TEST(test_grantee_dies_with_mappings),
        TEST(test_granter_dies_with_mappings),
        TEST(test_both_die),
        TEST(test_audit_catches_errors),
        TEST(test_p2m_unmap),
    };
#undef TEST

    return RUN_TESTS(tests);
}
