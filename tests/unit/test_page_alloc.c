/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the buddy allocator (hv/common/page_alloc.c) over a static
 * frame table: splitting, merging, exhaustion, misuse, unaligned ranges, and
 * a long random run. The allocator's own audit runs after every step.
 */
#include "unit.h"

#include <hv/page_alloc.h>
#include <public/errno.h>
#include <string.h>

#define NR_FRAMES 4096

static struct page_info table[NR_FRAMES];

static void setup(void)
{
    assert_int_equal(page_alloc_init(table, NR_FRAMES), 0);
}

static void audit(void)
{
    assert_int_equal(page_alloc_audit(), 0);
}

static void add(uint64_t start, uint64_t nr)
{
    assert_int_equal(page_alloc_add_range(_mfn(start), nr), 0);
    audit();
}

static uint64_t alloc(unsigned int order)
{
    mfn_t mfn = INVALID_MFN;

    assert_int_equal(page_alloc(order, &mfn), 0);
    assert_true(mfn_x(mfn) < NR_FRAMES);
    assert_true(IS_ALIGNED(mfn_x(mfn), 1ull << order));
    audit();
    return mfn_x(mfn);
}

static void release(uint64_t frame, unsigned int order)
{
    assert_int_equal(page_free(_mfn(frame), order), 0);
    audit();
}

/* Is frame the head of a free block of this order? */
static bool free_head(uint64_t frame, unsigned int order)
{
    const struct page_info *pg = mfn_to_page(_mfn(frame));

    return pg && pg->state == PAGE_FREE && pg->head && pg->order == order;
}

static void test_init_rejects_bad_tables(void **state)
{
    assert_int_equal(page_alloc_init(NULL, 16), -HV_EINVAL);
    assert_int_equal(page_alloc_init(table, 0), -HV_EINVAL);
    setup();
    assert_int_equal(page_alloc_free_frames(), 0);
    assert_null(mfn_to_page(_mfn(NR_FRAMES)));
    assert_ptr_equal(mfn_to_page(_mfn(7)), &table[7]);
    assert_int_equal(table[7].state, PAGE_RESERVED);
    audit();
}

static void test_whole_table_is_one_block(void **state)
{
    setup();
    add(0, NR_FRAMES);
    assert_int_equal(page_alloc_free_frames(), NR_FRAMES);
    assert_true(free_head(0, 12));
    assert_int_equal(alloc(12), 0);
    assert_int_equal(page_alloc_free_frames(), 0);
    release(0, 12);
    assert_int_equal(page_alloc_free_frames(), NR_FRAMES);
}

static void test_split_leaves_one_block_per_order(void **state)
{
    setup();
    add(0, 1024);
    assert_int_equal(alloc(0), 0);
    assert_int_equal(page_alloc_free_frames(), 1023);
    /* 1024 = 1 + 1 + 2 + 4 + ... + 512: the upper halves of each split. */
    for (unsigned int order = 0; order < 10; order++)
        assert_true(free_head(1ull << order, order));
    release(0, 0);
    assert_true(free_head(0, 10));
}

static void test_free_everything_merges_back(void **state)
{
    static const unsigned int orders[] = {0, 3, 1, 0, 5, 2, 2, 0, 4, 1, 6, 0, 3};
    uint64_t frames[ARRAY_SIZE(orders)];
    /* Free in an order unrelated to allocation so merges happen late. */
    static const unsigned int free_order[] = {7, 0, 12, 3, 9, 1, 5, 11, 2, 8, 4, 10, 6};

    BUILD_BUG_ON(ARRAY_SIZE(free_order) != ARRAY_SIZE(orders));
    setup();
    add(0, 1024);
    for (size_t i = 0; i < ARRAY_SIZE(orders); i++)
        frames[i] = alloc(orders[i]);
    for (size_t i = 0; i < ARRAY_SIZE(free_order); i++)
        release(frames[free_order[i]], orders[free_order[i]]);
    assert_int_equal(page_alloc_free_frames(), 1024);
    assert_true(free_head(0, 10));
    for (uint64_t f = 1; f < 1024; f++)
        assert_false(table[f].head);
}

static void test_exhaustion_then_recovery(void **state)
{
    uint64_t frames[64];
    mfn_t mfn;

    setup();
    add(128, 64);
    assert_int_equal(page_alloc(7, &mfn), -HV_ENOMEM);
    for (size_t i = 0; i < ARRAY_SIZE(frames); i++) {
        frames[i] = alloc(0);
        assert_true(frames[i] >= 128 && frames[i] < 192);
        for (size_t j = 0; j < i; j++)
            assert_true(frames[i] != frames[j]);
    }
    assert_int_equal(page_alloc_free_frames(), 0);
    assert_int_equal(page_alloc(0, &mfn), -HV_ENOMEM);
    audit();

    release(frames[17], 0);
    assert_int_equal(alloc(0), frames[17]);
    release(frames[17], 0);
    release(frames[16], 0);
    /* frames[16] and [17] need not be buddies; order 1 works only if they are. */
    if ((frames[16] ^ frames[17]) == 1)
        assert_int_equal(alloc(1), MIN(frames[16], frames[17]));
}

static void test_double_free_is_detected(void **state)
{
    uint64_t a, b;

    setup();
    add(0, 64);
    a = alloc(2);
    release(a, 2);
    assert_int_equal(page_free(_mfn(a), 2), -HV_EINVAL);
    assert_int_equal(page_alloc_free_frames(), 64);
    audit();

    /* A double free of a block that could not merge (its buddy is in use). */
    a = alloc(0);
    b = alloc(0);
    assert_int_equal(a ^ b, 1);
    release(a, 0);
    assert_true(free_head(a, 0));
    assert_int_equal(page_free(_mfn(a), 0), -HV_EINVAL);
    assert_int_equal(page_alloc_free_frames(), 63);
    release(b, 0);
    audit();

    /* A double free after the block merged into a larger one. */
    a = alloc(0);
    b = alloc(0);
    release(b, 0);
    release(a, 0);
    assert_int_equal(page_free(_mfn(a), 0), -HV_EINVAL);
    assert_int_equal(page_free(_mfn(b), 0), -HV_EINVAL);
    assert_int_equal(page_alloc_free_frames(), 64);
    audit();
}

static void test_wrong_free_is_detected(void **state)
{
    uint64_t a;

    setup();
    add(0, 256);
    a = alloc(3);
    assert_int_equal(page_free(_mfn(a), 2), -HV_EINVAL);
    assert_int_equal(page_free(_mfn(a), 4), -HV_EINVAL);
    assert_int_equal(page_free(_mfn(a + 1), 0), -HV_EINVAL); /* inside the block */
    assert_int_equal(page_free(_mfn(a + 4), 2), -HV_EINVAL);
    assert_int_equal(page_free(_mfn(a), PAGE_ORDER_MAX + 1), -HV_EINVAL);
    assert_int_equal(page_free(_mfn(NR_FRAMES), 0), -HV_EINVAL);
    assert_int_equal(page_free(_mfn(~0ull), 0), -HV_EINVAL);
    assert_int_equal(page_free(_mfn(300), 0), -HV_EINVAL);   /* reserved */
    assert_int_equal(page_free(_mfn(a + 8), 0), -HV_EINVAL); /* free */
    assert_int_equal(page_alloc_free_frames(), 248);
    audit();
    release(a, 3);
    assert_int_equal(page_alloc(PAGE_ORDER_MAX + 1, &(mfn_t){0}), -HV_EINVAL);
    assert_int_equal(page_alloc(0, NULL), -HV_EINVAL);
}

static void test_blocks_are_aligned(void **state)
{
    uint64_t frames[1024];

    for (unsigned int order = 0; order <= 9; order++) {
        size_t n = 0;
        mfn_t mfn;

        setup();
        add(3, 1000);
        while (page_alloc(order, &mfn) == 0) {
            assert_true(IS_ALIGNED(mfn_x(mfn), 1ull << order));
            assert_true(mfn_x(mfn) >= 3 && mfn_x(mfn) + (1ull << order) <= 1003);
            assert_true(n < ARRAY_SIZE(frames));
            frames[n++] = mfn_x(mfn);
            audit();
        }
        /* Every aligned block that fits in [3, 1003) was handed out. */
        assert_int_equal(n, (1003 >> order) - ((3 + (1ull << order) - 1) >> order));
        while (n)
            release(frames[--n], order);
        assert_int_equal(page_alloc_free_frames(), 1000);
    }
}

static void test_unaligned_range(void **state)
{
    static const struct {
        uint64_t frame;
        unsigned int order;
    } expect[] = {{5, 0}, {6, 1}, {8, 3}, {16, 4}, {32, 5}, {64, 5}, {96, 3}, {104, 0}};

    setup();
    add(5, 100);
    assert_int_equal(page_alloc_free_frames(), 100);
    for (size_t i = 0; i < ARRAY_SIZE(expect); i++)
        assert_true(free_head(expect[i].frame, expect[i].order));
    assert_int_equal(table[4].state, PAGE_RESERVED);
    assert_int_equal(table[105].state, PAGE_RESERVED);

    /* Filling the gaps on both sides merges everything into one block. */
    add(0, 5);
    add(105, 23);
    assert_int_equal(page_alloc_free_frames(), 128);
    assert_true(free_head(0, 7));
    add(128, 0);
}

static void test_bad_ranges_change_nothing(void **state)
{
    setup();
    add(100, 50);
    assert_int_equal(page_alloc_add_range(_mfn(NR_FRAMES - 1), 2), -HV_EINVAL);
    assert_int_equal(page_alloc_add_range(_mfn(~0ull - 1), 4), -HV_EINVAL);
    assert_int_equal(page_alloc_add_range(_mfn(90), 20), -HV_EINVAL); /* overlaps */
    assert_int_equal(page_alloc_add_range(_mfn(149), 1), -HV_EINVAL);
    assert_int_equal(page_alloc_free_frames(), 50);
    assert_int_equal(table[90].state, PAGE_RESERVED);
    audit();
}

static void test_audit_catches_corruption(void **state)
{
    struct page_info saved;
    uint64_t a;

    setup();
    add(0, 64);
    a = alloc(0);

    saved = table[40];
    table[40].state = PAGE_ALLOCATED; /* inside the free block at 32 */
    assert_int_equal(page_alloc_audit(), -HV_EINVAL);
    table[40] = saved;
    audit();

    saved = table[32];
    table[32].prev = 5; /* broken back link */
    assert_int_equal(page_alloc_audit(), -HV_EINVAL);
    table[32] = saved;

    table[a].state = PAGE_FREE; /* free but on no list, count wrong */
    assert_int_equal(page_alloc_audit(), -HV_EINVAL);
    table[a].state = PAGE_ALLOCATED;

    table[a].order = 1; /* the block would overlap its free buddy */
    assert_int_equal(page_alloc_audit(), -HV_EINVAL);
    table[a].order = 0;
    audit();
}

/* xorshift64: the same sequence on every host. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Two ranges with a reserved hole and odd edges. */
static void add_stress_ranges(void)
{
    add(1, 1500);
    add(1507, NR_FRAMES - 1507 - 3);
}

static bool any_free_block_of_order_at_least(unsigned int order)
{
    for (uint64_t f = 0; f < NR_FRAMES; f++)
        if (table[f].state == PAGE_FREE && table[f].head && table[f].order >= order)
            return true;
    return false;
}

static void test_random_stress(void **state)
{
    static struct page_info fresh[NR_FRAMES];
    static struct {
        uint64_t frame;
        unsigned int order;
    } live[512];
    size_t nr_live = 0;
    uint64_t expect_free;

    setup();
    add_stress_ranges();
    expect_free = page_alloc_free_frames();
    assert_int_equal(expect_free, NR_FRAMES - 10);

    for (int step = 0; step < 20000; step++) {
        uint64_t r = rng();

        if (nr_live < ARRAY_SIZE(live) && (nr_live == 0 || r % 100 < 55)) {
            /* Mostly small orders, sometimes large ones. */
            unsigned int order =
                (r >> 8) % 4 == 0 ? (unsigned int)((r >> 16) % 10) : (unsigned int)((r >> 16) % 3);
            mfn_t mfn;
            int rc = page_alloc(order, &mfn);

            if (rc == -HV_ENOMEM) {
                assert_false(any_free_block_of_order_at_least(order));
            } else {
                assert_int_equal(rc, 0);
                assert_true(IS_ALIGNED(mfn_x(mfn), 1ull << order));
                for (uint64_t f = mfn_x(mfn); f < mfn_x(mfn) + (1ull << order); f++)
                    assert_int_equal(table[f].state, PAGE_ALLOCATED);
                live[nr_live].frame = mfn_x(mfn);
                live[nr_live].order = order;
                nr_live++;
                expect_free -= 1ull << order;
            }
        } else {
            size_t i = (size_t)((r >> 8) % nr_live);
            uint64_t frame = live[i].frame;
            unsigned int order = live[i].order;

            assert_int_equal(page_free(_mfn(frame), order), 0);
            expect_free += 1ull << order;
            live[i] = live[--nr_live];
            /* Now and then, free it again: it must be refused. */
            if ((r >> 40) % 8 == 0)
                assert_int_equal(page_free(_mfn(frame), order), -HV_EINVAL);
        }
        assert_int_equal(page_alloc_free_frames(), expect_free);
        audit();
    }

    while (nr_live) {
        nr_live--;
        release(live[nr_live].frame, live[nr_live].order);
    }

    /* All free again: the layout must equal that of a fresh allocator. */
    memcpy(fresh, table, sizeof(table));
    setup();
    add_stress_ranges();
    for (uint64_t f = 0; f < NR_FRAMES; f++) {
        assert_int_equal(fresh[f].state, table[f].state);
        assert_int_equal(fresh[f].head, table[f].head);
        if (table[f].head)
            assert_int_equal(fresh[f].order, table[f].order);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_bad_tables),
        cmocka_unit_test(test_whole_table_is_one_block),
        cmocka_unit_test(test_split_leaves_one_block_per_order),
        cmocka_unit_test(test_free_everything_merges_back),
        cmocka_unit_test(test_exhaustion_then_recovery),
        cmocka_unit_test(test_double_free_is_detected),
        cmocka_unit_test(test_wrong_free_is_detected),
        cmocka_unit_test(test_blocks_are_aligned),
        cmocka_unit_test(test_unaligned_range),
        cmocka_unit_test(test_bad_ranges_change_nothing),
        cmocka_unit_test(test_audit_catches_corruption),
        cmocka_unit_test(test_random_stress),
    };

    return RUN_TESTS(tests);
}
