/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of range sets (hv/common/rangeset.c), which hold the I/O ports
 * a domain was given: adding merges, removing splits, a full set refuses
 * changes without being altered, and the answers agree with a bitmap model
 * over a long random run.
 */
#include "unit.h"

#include <hv/rangeset.h>
#include <public/errno.h>
#include <stdlib.h>
#include <string.h>

/* The set is sorted, disjoint and never has two touching ranges. */
static void check_shape(const struct rangeset *rs)
{
    assert_true(rs->nr <= RANGESET_MAX);
    for (unsigned int i = 0; i < rs->nr; i++) {
        assert_true(rs->r[i].first <= rs->r[i].last);
        if (i)
            assert_true(rs->r[i - 1].last + 1 < rs->r[i].first);
    }
}

static void test_add_merges(void **state)
{
    struct rangeset rs = {0};

    assert_int_equal(rangeset_add(&rs, 10, 19), 0);
    assert_int_equal(rangeset_add(&rs, 30, 39), 0);
    assert_int_equal(rs.nr, 2);
    /* Touching on the left of the second: one range 30..39 becomes 20..39. */
    assert_int_equal(rangeset_add(&rs, 20, 29), 0);
    check_shape(&rs);
    assert_int_equal(rs.nr, 1);
    assert_int_equal(rs.r[0].first, 10);
    assert_int_equal(rs.r[0].last, 39);
    /* Overlapping and inside: nothing changes. */
    assert_int_equal(rangeset_add(&rs, 15, 16), 0);
    assert_int_equal(rs.nr, 1);
    /* Covering everything. */
    assert_int_equal(rangeset_add(&rs, 0, 100), 0);
    assert_int_equal(rs.nr, 1);
    assert_int_equal(rs.r[0].first, 0);
    assert_int_equal(rs.r[0].last, 100);
    assert_int_equal(rangeset_add(&rs, 5, 4), -HV_EINVAL);
}

static void test_remove_splits(void **state)
{
    struct rangeset rs = {0};

    assert_int_equal(rangeset_add(&rs, 0x3f8, 0x3ff), 0);
    assert_int_equal(rangeset_remove(&rs, 0x3fa, 0x3fb), 0);
    check_shape(&rs);
    assert_int_equal(rs.nr, 2);
    assert_true(rangeset_contains(&rs, 0x3f8, 0x3f9));
    assert_false(rangeset_contains(&rs, 0x3f8, 0x3fa));
    assert_true(rangeset_contains(&rs, 0x3fc, 0x3ff));
    assert_false(rangeset_overlaps(&rs, 0x3fa, 0x3fb));
    assert_true(rangeset_overlaps(&rs, 0x3fb, 0x3fc));
    /* Removing what is not there is fine; removing all empties it. */
    assert_int_equal(rangeset_remove(&rs, 0x1000, 0x2000), 0);
    assert_int_equal(rangeset_remove(&rs, 0, UINT64_MAX), 0);
    assert_int_equal(rs.nr, 0);
    assert_false(rangeset_overlaps(&rs, 0, UINT64_MAX));
}

static void test_extremes(void **state)
{
    struct rangeset rs = {0};

    assert_int_equal(rangeset_add(&rs, UINT64_MAX - 1, UINT64_MAX), 0);
    assert_int_equal(rangeset_add(&rs, UINT64_MAX, UINT64_MAX), 0);
    assert_int_equal(rangeset_add(&rs, 0, 0), 0);
    check_shape(&rs);
    assert_int_equal(rs.nr, 2);
    assert_true(rangeset_contains(&rs, UINT64_MAX, UINT64_MAX));
    assert_int_equal(rangeset_add(&rs, 1, UINT64_MAX - 2), 0);
    assert_int_equal(rs.nr, 1);
    assert_true(rangeset_contains(&rs, 0, UINT64_MAX));
    assert_int_equal(rangeset_remove(&rs, UINT64_MAX, UINT64_MAX), 0);
    assert_false(rangeset_overlaps(&rs, UINT64_MAX, UINT64_MAX));
    assert_true(rangeset_contains(&rs, 0, UINT64_MAX - 1));
}

static void test_full_set_is_unchanged(void **state)
{
    struct rangeset rs = {0}, before;

    for (uint64_t i = 0; i < RANGESET_MAX; i++)
        assert_int_equal(rangeset_add(&rs, i * 10, i * 10 + 4), 0);
    assert_int_equal(rs.nr, RANGESET_MAX);
    before = rs;
    assert_int_equal(rangeset_add(&rs, 1000, 1001), -HV_ENOSPC);
    assert_memory_equal(&rs, &before, sizeof(rs));
    /* A hole in the middle of a range needs one more entry. */
    assert_int_equal(rangeset_remove(&rs, 12, 12), -HV_ENOSPC);
    assert_memory_equal(&rs, &before, sizeof(rs));
    /* Merging two frees one. */
    assert_int_equal(rangeset_add(&rs, 5, 9), 0);
    assert_int_equal(rs.nr, RANGESET_MAX - 1);
    assert_int_equal(rangeset_remove(&rs, 12, 12), 0);
    assert_int_equal(rs.nr, RANGESET_MAX);
    check_shape(&rs);
}

/* Random adds and removes over 0..511 against a bitmap. */
static void test_random_against_model(void **state)
{
    struct rangeset rs = {0};
    bool model[512] = {0};

    srand(1);
    for (int step = 0; step < 20000; step++) {
        uint64_t a = (uint64_t)rand() % 512, b = a + (uint64_t)rand() % 24;
        bool add = rand() % 2;
        int err;

        if (b > 511)
            b = 511;
        err = add ? rangeset_add(&rs, a, b) : rangeset_remove(&rs, a, b);
        assert_true(err == 0 || err == -HV_ENOSPC);
        if (err == 0)
            for (uint64_t i = a; i <= b; i++)
                model[i] = add;
        check_shape(&rs);
        {
            uint64_t c = (uint64_t)rand() % 512, e = c + (uint64_t)rand() % 8;
            bool all = true, any = false;

            if (e > 511)
                e = 511;
            for (uint64_t i = c; i <= e; i++) {
                all &= model[i];
                any |= model[i];
            }
            assert_int_equal(rangeset_contains(&rs, c, e), all);
            assert_int_equal(rangeset_overlaps(&rs, c, e), any);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_merges),
        cmocka_unit_test(test_remove_splits),
        cmocka_unit_test(test_extremes),
        cmocka_unit_test(test_full_set_is_unchanged),
        cmocka_unit_test(test_random_against_model),
    };

    return RUN_TESTS(tests);
}
